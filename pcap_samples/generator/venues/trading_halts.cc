#include "pcap_samples/generator/venues/trading_halts.h"

#include <cmath>

#include "pcap_samples/generator/venues/step_slots.h"

namespace tickwire::generator::venues {

namespace {

// LULD percentage parameters for prices of $3 and more.
constexpr double kTier1Band = 0.05;
constexpr double kTier2Band = 0.10;
// The reference follows the fair value with a five-minute time constant, one step at a time.
constexpr double kReferenceSteps = 300.0 * 1e9 / static_cast<double>(kStepNs);
// Market-wide circuit breaker levels, below the open.
constexpr std::array<double, kMwcbLevels> kMwcbDeclines = {0.07, 0.13, 0.20};
constexpr std::array<std::string_view, kMwcbLevels> kMwcbReasons = {"MWC1", "MWC2", "MWC3"};
constexpr std::string_view kPauseReason = "LUDP";
constexpr double kPrice8PerPoint = 1e8;
constexpr double kPrice4PerCent = 100;

double band_of(const ModelSecurity& s) noexcept { return s.luld_tier == 1 ? kTier1Band : kTier2Band; }

// Band prices are rounded to the cent, as the rule's are.
std::int64_t to_cent(double price4) noexcept {
  return static_cast<std::int64_t>(std::floor(price4 / kPrice4PerCent + 0.5)) * static_cast<std::int64_t>(kPrice4PerCent);
}

}  // namespace

TradingHalts::TradingHalts(const MarketModel& model, std::uint64_t pause_ns, std::uint64_t halt_ns)
    : model_(model), pause_ns_(pause_ns), halt_ns_(halt_ns), states_(model.securities().size()) {
  for (std::size_t k = 0; k < kMwcbLevels; ++k) {
    levels_[k] = static_cast<std::uint64_t>(kIndexBase * (1 - kMwcbDeclines[k]) * kPrice8PerPoint + 0.5);
  }
  for (std::size_t i = 0; i < states_.size(); ++i) states_[i].reference = model.fair_value(static_cast<std::uint32_t>(i));
}

double TradingHalts::compute_index() const noexcept {
  const auto& sec = model_.securities();
  double sum = 0;
  for (std::uint32_t i = 0; i < sec.size(); ++i) sum += model_.fair_value(i) / static_cast<double>(sec[i].reference);
  return kIndexBase * sum / static_cast<double>(sec.size());
}

void TradingHalts::stop(std::uint32_t i, std::uint64_t ts, char state, std::string_view reason) {
  HaltNotice notice;
  notice.security = i;
  notice.code = state;
  notice.reason = reason;
  notices_.push_back(notice);
  HaltRecord record;
  record.security = i;
  record.state = state;
  record.reason = reason;
  record.stopped_ns = ts;
  records_.push_back(record);
}

void TradingHalts::pause(std::uint32_t i, std::uint64_t ts, std::uint64_t t) {
  State& s = states_[i];
  const double band = band_of(model_.securities()[i]);
  const bool down = model_.fair_value(i) < s.reference;
  // The auction's collars centre on the band price that was breached.
  const std::int64_t centre = to_cent(s.reference * (down ? 1 - band : 1 + band));
  const auto c = static_cast<double>(centre);
  stop(i, ts, 'P', kPauseReason);
  HaltNotice collar;
  collar.kind = NoticeKind::kCollar;
  collar.security = i;
  collar.collar_reference = centre;
  collar.collar_upper = to_cent(c * (1 + band));
  collar.collar_lower = to_cent(c * (1 - band));
  notices_.push_back(collar);
  HaltRecord& r = records_.back();
  r.collar_reference = collar.collar_reference;
  r.collar_upper = collar.collar_upper;
  r.collar_lower = collar.collar_lower;
  s.paused = true;
  s.paused_until_ns = t + pause_ns_;
}

void TradingHalts::resume(std::uint32_t i, std::uint64_t ts) {
  HaltNotice trading;
  trading.security = i;
  trading.code = 'T';
  notices_.push_back(trading);
  for (HaltRecord& r : records_) {
    if (r.security == i && r.resumed_ns == 0) r.resumed_ns = ts;
  }
  State& s = states_[i];
  s.paused = false;
  s.reference = model_.fair_value(i);  // the price it reopens at
}

void TradingHalts::step(std::uint64_t t) {
  notices_.clear();
  index_ = compute_index();
  bool halting = false, resuming = false;
  if (market_halted_) {
    resuming = market_halted_until_ns_ != 0 && t >= market_halted_until_ns_;
  } else if (next_level_ < kMwcbLevels &&
             index_ * kPrice8PerPoint <= static_cast<double>(levels_[next_level_])) {
    // A fall through several levels at once names the lowest it reached.
    while (next_level_ + 1 < kMwcbLevels && index_ * kPrice8PerPoint <= static_cast<double>(levels_[next_level_ + 1])) {
      ++next_level_;
    }
    const char level = static_cast<char>('1' + next_level_);
    HaltNotice breach;
    breach.kind = NoticeKind::kMarketBreach;
    breach.code = level;
    notices_.push_back(breach);
    BreachRecord record;
    record.level = level;
    record.at_ns = t;
    breaches_.push_back(record);
    halting = true;
    market_halted_ = true;
    market_halted_until_ns_ = next_level_ + 1 < kMwcbLevels ? t + halt_ns_ : 0;
    ++next_level_;
  }
  const auto n = static_cast<std::uint32_t>(states_.size());
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint64_t ts = t + slot_offset_ns(i, n);
    State& s = states_[i];
    if (halting) {
      stop(i, ts, 'H', kMwcbReasons[next_level_ - 1]);
      continue;
    }
    if (resuming) {
      resume(i, ts);
      continue;
    }
    if (market_halted_) continue;
    if (s.paused) {
      if (t >= s.paused_until_ns) resume(i, ts);
      continue;
    }
    const double fair = model_.fair_value(i);
    const double band = band_of(model_.securities()[i]);
    if (fair < static_cast<double>(to_cent(s.reference * (1 - band))) ||
        fair > static_cast<double>(to_cent(s.reference * (1 + band)))) {
      pause(i, ts, t);
      continue;
    }
    s.reference += (fair - s.reference) / kReferenceSteps;
  }
  if (resuming) {
    market_halted_ = false;
    breaches_.back().resumed_ns = t;
  }
}

}  // namespace tickwire::generator::venues
