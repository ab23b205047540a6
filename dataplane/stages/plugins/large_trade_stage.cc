// A stage shipped as a shared object, to hot-swap in with dlopen: a signal for every print
// (E, C, P, Q) of at least `min_shares` shares. Parameters: "min_shares=N" (default 10000).
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "dataplane/stages/stage_plugin_abi.h"

namespace {

using tickwire::events::Event;
using tickwire::events::EventKind;
using tickwire::stages::Signal;
using tickwire::stages::SignalKind;
using tickwire::stages::SignalSink;

class LargeTradeStage final : public tickwire::stages::Stage {
 public:
  LargeTradeStage(std::uint64_t min_shares, std::uint16_t stage_id) : min_shares_(min_shares), stage_id_(stage_id) {}
  std::string_view name() const noexcept override { return "large_trade"; }
  bool process(std::span<const Event> message, SignalSink& out) noexcept override {
    for (const Event& e : message) {
      if (e.kind != EventKind::kTrade || e.quantity < min_shares_) continue;
      Signal s = tickwire::stages::signal_about(e, SignalKind::kLargeTrade, stage_id_);
      s.side = e.side;
      s.price_after = e.price;
      s.size_after = e.quantity;
      out.emit(s);
    }
    return true;
  }

 private:
  std::uint64_t min_shares_;
  std::uint16_t stage_id_;
};

}  // namespace

extern "C" std::uint32_t tickwire_stage_abi() { return tickwire::stages::kStagePluginAbi; }

extern "C" tickwire::stages::Stage* tickwire_stage_create(const tickwire::stages::StagePluginArgs* args, char* error,
                                                          std::size_t error_size) {
  std::uint64_t min_shares = 10'000;
  const std::string_view params = args->params != nullptr ? args->params : "";
  constexpr std::string_view kKey = "min_shares=";
  if (!params.empty()) {
    const char* end = params.data() + params.size();
    if (params.substr(0, kKey.size()) != kKey ||
        std::from_chars(params.data() + kKey.size(), end, min_shares).ptr != end || min_shares == 0) {
      std::snprintf(error, error_size, "large_trade: expected min_shares=N (N > 0), got '%.*s'",
                    static_cast<int>(params.size()), params.data());
      return nullptr;
    }
  }
  return new (std::nothrow) LargeTradeStage(min_shares, args->stage_id);
}
