// The exchange's halts on a generated volatility day, from the market model's fair values
// step by step, after NASDAQ's rules (simplified where said):
//
// Limit Up-Limit Down: each security has a reference price (an event-time average of its
// fair value over about five minutes, as the rule averages five minutes of trades; reset to
// the price it resumes at after a pause) and bands around it: 5% for tier 1, 10% for tier 2
// (the rule's figures for prices of $3 and more; the doubled bands of the first 15 minutes
// are not applied). When the fair value leaves its band the security is paused at once (the
// rule's 15-second limit state is skipped): H 'P' with reason LUDP, then a J auction collar
// (the breached band's price, that price plus and minus the band's percentage, extension 0),
// and after `pause_ns` H 'T'. Nothing is quoted or traded while it is paused.
//
// Market-wide circuit breaker: an equal-weighted index of every security (each one's fair
// value over its reference price, times kIndexBase) against the levels of the day's V message:
// 7%, 13% and 20% below the open. When the index reaches a level not yet breached, a W names
// it and every security is halted (H 'H', reason MWC1, MWC2 or MWC3): levels 1 and 2 for
// `halt_ns`, then H 'T' for all (ending any pause too); level 3 for the rest of the day.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "pcap_samples/generator/venues/market_model.h"

namespace tickwire::generator::venues {

inline constexpr std::size_t kMwcbLevels = 3;

enum class NoticeKind : std::uint8_t {
  kTradingAction,  // H
  kCollar,         // J
  kMarketBreach,   // W (market-wide: no security)
};

// What the venues print this step (trading_halts decides, each venue writes it).
struct HaltNotice {
  NoticeKind kind = NoticeKind::kTradingAction;
  std::uint32_t security = 0;
  char code = 'T';  // H: the trading state; W: the breached level ('1' to '3')
  std::string_view reason;  // H: LUDP, MWC1..MWC3, or empty
  std::int64_t collar_reference = 0, collar_upper = 0, collar_lower = 0;  // J, Price(4)
};

// One H other than T, and the T that ended it.
struct HaltRecord {
  std::uint32_t security = 0;
  char state = 'P';
  std::string_view reason;
  std::uint64_t stopped_ns = 0;  // the H's time (before a venue's own delay)
  std::uint64_t resumed_ns = 0;  // the T's; 0: still stopped when the flow ended
  std::int64_t collar_reference = 0, collar_upper = 0, collar_lower = 0;  // a pause's J
};

struct BreachRecord {
  char level = '1';
  std::uint64_t at_ns = 0;       // the W's time
  std::uint64_t resumed_ns = 0;  // the step of the H 'T's (0: not in the flow)
};

class TradingHalts {
 public:
  static constexpr double kIndexBase = 1000;

  TradingHalts(const MarketModel& model, std::uint64_t pause_ns, std::uint64_t halt_ns);

  // After the model took the step at time t: decides this step's notices.
  void step(std::uint64_t t);

  // This step's notices: a breach first, then by security.
  [[nodiscard]] const std::vector<HaltNotice>& notices() const noexcept { return notices_; }
  // True while security i may not be quoted (paused or halted), as of this step.
  [[nodiscard]] bool stopped(std::uint32_t i) const noexcept { return market_halted_ || states_[i].paused; }

  // The V message's levels, Price(8).
  [[nodiscard]] const std::array<std::uint64_t, kMwcbLevels>& mwcb_levels() const noexcept { return levels_; }
  [[nodiscard]] double index() const noexcept { return index_; }
  [[nodiscard]] const std::vector<HaltRecord>& records() const noexcept { return records_; }
  [[nodiscard]] const std::vector<BreachRecord>& breaches() const noexcept { return breaches_; }

 private:
  struct State {
    double reference = 0;  // LULD reference, Price(4)
    bool paused = false;
    std::uint64_t paused_until_ns = 0;
  };

  void stop(std::uint32_t i, std::uint64_t ts, char state, std::string_view reason);
  void pause(std::uint32_t i, std::uint64_t ts, std::uint64_t t);
  void resume(std::uint32_t i, std::uint64_t ts);
  [[nodiscard]] double compute_index() const noexcept;

  const MarketModel& model_;
  std::uint64_t pause_ns_;
  std::uint64_t halt_ns_;
  std::array<std::uint64_t, kMwcbLevels> levels_{};
  std::size_t next_level_ = 0;  // the first level not yet breached
  bool market_halted_ = false;
  std::uint64_t market_halted_until_ns_ = 0;  // 0 with market_halted_: the rest of the day
  double index_ = kIndexBase;
  std::vector<State> states_;
  std::vector<HaltNotice> notices_;
  std::vector<HaltRecord> records_;
  std::vector<BreachRecord> breaches_;
};

}  // namespace tickwire::generator::venues
