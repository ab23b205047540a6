#include "pcap_samples/generator/scenario_config.h"

#include <algorithm>
#include <string>

namespace tickwire::generator {

namespace {

constexpr std::uint32_t kMaxSymbols = 20'000;       // ladders take ~2 KiB per symbol
constexpr std::uint64_t kMaxLiveOrders = 50'000'000;
constexpr std::uint64_t kMinAutoLive = 256;
constexpr std::uint64_t kMaxAutoLive = 4'000'000;
constexpr std::uint64_t kAutoLivePerSymbol = 125;  // ~1M live orders over ~8000 symbols
constexpr std::uint64_t kAutoLiveDivisor = 100;    // the book's growth shifts the mix by target / messages
constexpr double kMaxRate = 1e9;
constexpr double kMaxZipf = 4.0;
constexpr std::uint32_t kMaxHalts = 1'000;
constexpr std::uint32_t kMaxAnomalies = 100'000;
constexpr double kMaxBurstMultiplier = 1'000.0;
constexpr std::size_t kSessionLength = 10;
constexpr std::uint32_t kMinPayload = 20 + 2 + 50;  // header plus one block of the longest message
constexpr std::uint32_t kMaxPayload = 8'972;         // jumbo frame, 9000-byte MTU
constexpr std::uint32_t kMaxReorderDelay = 32;
constexpr std::uint32_t kMaxGapExtra = 64;

bool rate_ok(double r) { return r >= 0.0 && r <= 1.0; }

}  // namespace

void LifetimeProfile::set_long_lived_share(double share) {
  if (segments.empty()) return;
  double others = 0.0;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) others += segments[i].probability;
  const double scale = others > 0.0 ? (1.0 - share) / others : 0.0;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) segments[i].probability *= scale;
  segments.back().probability = share;
}

std::uint64_t ScenarioConfig::effective_live_target() const noexcept {
  if (live_orders_target != 0) return live_orders_target;
  const std::uint64_t t = std::min<std::uint64_t>(std::uint64_t{symbols} * kAutoLivePerSymbol, messages / kAutoLiveDivisor);
  return t < kMinAutoLive ? kMinAutoLive : (t > kMaxAutoLive ? kMaxAutoLive : t);
}

std::string validate(const ScenarioConfig& c) {
  if (c.messages == 0) return "messages: must be at least 1";
  if (c.symbols == 0 || c.symbols > kMaxSymbols) {
    return "symbols: must be 1.." + std::to_string(kMaxSymbols);
  }
  if (!(c.rate > 0.0 && c.rate <= kMaxRate)) return "rate: must be > 0 and <= 1e9 messages/s";
  if (!(c.zipf_exponent >= 0.0 && c.zipf_exponent <= kMaxZipf)) return "zipf exponent: must be 0..4";
  const MessageMix& m = c.mix;
  const double weights[] = {m.add, m.add_attributed, m.delete_order, m.replace, m.execute,
                            m.execute_with_price, m.cancel, m.hidden_trade, m.noii, m.participant_position};
  for (double w : weights) {
    if (!(w >= 0.0)) return "mix: weights must be >= 0";
  }
  if (m.add + m.add_attributed <= 0.0) return "mix: the flow needs adds (A or F weight > 0)";
  if (m.noii + m.participant_position >= 50.0) return "mix: NOII and L shares must stay below 50%";
  double lifetime_total = 0.0;
  for (const LogSegment& s : c.lifetimes.segments) {
    if (!(s.low > 0.0 && s.high > s.low && s.probability >= 0.0)) {
      return "lifetimes: each segment needs 0 < low < high and probability >= 0";
    }
    lifetime_total += s.probability;
  }
  if (c.lifetimes.segments.empty() || lifetime_total <= 0.0) return "lifetimes: no probability mass";
  if (c.live_orders_target > kMaxLiveOrders) return "live orders target: at most 50M";
  if (!(c.lifetime_scale >= 0.0)) return "lifetime scale: must be >= 0 (0 = automatic)";
  if (c.halts > kMaxHalts || c.halts >= c.symbols) return "halts: at most 1000 and fewer than symbols";
  if (c.timestamp_anomalies > kMaxAnomalies) return "timestamp anomalies: at most 100000";
  for (const Burst& b : c.bursts) {
    if (!(b.start_seconds >= 0.0 && b.duration_seconds > 0.0 && b.multiplier >= 1.0 &&
          b.multiplier <= kMaxBurstMultiplier)) {
      return "burst: needs start >= 0, duration > 0 and a multiplier of 1..1000";
    }
  }
  if (c.session.empty() || c.session.size() > kSessionLength) return "session: 1..10 characters";
  for (char ch : c.session) {
    if (ch < ' ' || ch > '~') return "session: printable ASCII only";
  }
  if (c.max_payload < kMinPayload || c.max_payload > kMaxPayload) {
    return "max payload: must be " + std::to_string(kMinPayload) + ".." + std::to_string(kMaxPayload) + " bytes";
  }
  const FaultRates& f = c.faults;
  if (!rate_ok(f.gap) || !rate_ok(f.duplicate) || !rate_ok(f.reorder) || !rate_ok(f.truncate) ||
      !rate_ok(f.corrupt) || f.gap + f.duplicate + f.reorder + f.truncate + f.corrupt > 1.0) {
    return "fault rates: each 0..1 and together at most 1 (one fault per packet)";
  }
  if (f.reorder_max_delay == 0 || f.reorder_max_delay > kMaxReorderDelay) return "reorder delay: 1..32 packets";
  if (f.gap_extra_packets > kMaxGapExtra) return "gap length: at most 64 extra packets";
  return {};
}

}  // namespace tickwire::generator
