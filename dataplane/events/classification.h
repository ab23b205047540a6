// Which priority class a message's events are scheduled in. The table is immutable once
// published: the control plane builds a new one (say, to promote one symbol) and swaps the
// pointer the RX core reads, reclaiming the old one after a quiescent period (RCU). The
// classifier is the RX core's side: it remembers each instrument's last top of book, to
// recognise a price jump or a liquidity withdrawal in the message that causes it.
//
// A message's part for one instrument is classified as a whole (the most urgent class of its
// events) because stages act at message boundaries and one instrument's events must reach
// them in order.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "dataplane/core/mapped_array.h"
#include "dataplane/events/event.h"
#include "dataplane/sched/priority_class.h"

namespace tickwire::events {

using sched::PriorityClass;

struct ClassificationRules {
  // Halts, pauses and resumptions (H, h), and market-wide breakers and system events (S, V,
  // W) are critical; a crossed book and a broken trade high; the rest normal or low.
  std::array<PriorityClass, kEventKindCount> by_kind = {
      PriorityClass::kNormal,    // kLevelChange (at the touch; deeper: deep_level)
      PriorityClass::kHigh,      // kTopOfBook
      PriorityClass::kNormal,    // kTrade
      PriorityClass::kHigh,      // kTradeBreak
      PriorityClass::kCritical,  // kTradingState
      PriorityClass::kCritical,  // kMarketState
      PriorityClass::kNormal,    // kImbalance
      PriorityClass::kHigh,      // kBookCrossed
      PriorityClass::kLow,       // kInstrumentAdded
  };
  PriorityClass deep_level = PriorityClass::kLow;  // a level change behind the touch
  std::uint32_t jump_basis_points = 20;            // mid move from the previous top: critical (0: off)
  std::uint32_t withdrawal_percent = 50;           // touch size lost in one message: critical (0: off)
  std::uint64_t min_touch_size = 500;              // thinner touches are not judged for withdrawal
};

class ClassificationTable {
 public:
  // Allocates: built on the control plane, never on a data core.
  ClassificationTable(const ClassificationRules& rules, std::uint32_t max_instruments);
  // New rules, the promotions of `floors_from` (a run-time change keeps what was promoted).
  ClassificationTable(const ClassificationRules& rules, const ClassificationTable& floors_from);
  [[nodiscard]] bool ok() const noexcept { return floor_.ok(); }

  // Before publication only: every message of `instrument` is at least this urgent.
  void promote(std::uint32_t instrument, PriorityClass floor) noexcept;

  [[nodiscard]] const ClassificationRules& rules() const noexcept { return rules_; }
  [[nodiscard]] std::uint32_t max_instruments() const noexcept { return max_instruments_; }
  [[nodiscard]] PriorityClass floor(std::uint32_t instrument) const noexcept {
    return instrument <= max_instruments_ ? floor_[instrument] : PriorityClass::kLow;
  }

 private:
  ClassificationRules rules_;
  std::uint32_t max_instruments_;
  MappedArray<PriorityClass> floor_;
};

class Classifier {
 public:
  explicit Classifier(std::uint32_t max_instruments);
  [[nodiscard]] bool ok() const noexcept { return tops_.ok(); }

  // The class of one message's events (all of one instrument, or market-wide).
  [[nodiscard]] PriorityClass classify(std::span<const Event> message, const ClassificationTable& table) noexcept;

 private:
  struct Top {
    std::uint32_t bid_price;
    std::uint32_t ask_price;
    std::uint64_t bid_size;
    std::uint64_t ask_size;
  };
  [[nodiscard]] PriorityClass classify_top(const Event& e, const ClassificationRules& rules) noexcept;

  std::uint32_t max_instruments_;
  MappedArray<Top> tops_;
};

}  // namespace tickwire::events
