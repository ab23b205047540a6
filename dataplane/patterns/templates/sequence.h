// sequence: a declared chain of market events on one security, within a bound of event time,
// compiled to a small automaton, e.g. "3 or more levels removed at the touch on one side
// within 500 us, then a trade on that side":
//     steps = ["level_removed depth<=0 x3", "trade"], within_us = 500, same_side = true
//
// Step kinds: level_removed (a level within the published top levels gone), level_changed
// (one of them changed and is still there), trade, top (the top of book changed), halt (the
// security halted or paused), resume (trading again). Filters: side=bid|ask, depth<=N (a
// level's place, 0 the touch), min_shares=N (trades and levels), and xN (N such events).
//
// Semantics, fixed so that a run gives the same matches on every layout:
//   - a partial match starts at each event that matches the first step;
//   - an event advances every partial match of its security whose next step it matches (one
//     event may serve several); with same_side, only on the side of the match's first event;
//   - a partial match older than `within` (first event to now) is dropped;
//   - a completed match is a signal (keyed by its batch) and ends every partial match of the
//     security, which all began before its last event: matching starts again past it (as
//     "skip past last event" in other engines), so matches of one security never overlap;
//   - partial matches live in a pool of `max_partial`: when it is full the oldest is evicted
//     (counted), never grown.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/core/mapped_array.h"
#include "dataplane/patterns/pattern_instance.h"

namespace tickwire::patterns {

enum class StepKind : std::uint8_t { kLevelRemoved, kLevelChanged, kTrade, kTop, kHalt, kResume };

struct SequenceStep {
  StepKind kind = StepKind::kTrade;
  std::uint8_t side = 0;           // 0: either; 1 bid; 2 ask
  std::uint8_t max_depth = 255;    // levels: at most this deep
  std::uint64_t min_shares = 0;
  std::uint32_t count = 1;
};

struct SequenceParams {
  std::vector<Symbol> securities;  // empty: every security
  std::vector<SequenceStep> steps;
  std::uint64_t within_ns = 1'000'000;
  bool same_side = false;
  std::uint32_t max_partial = 256;
};

struct SequenceCounters {
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t expired = 0;
  std::uint64_t evicted = 0;  // the pool was full
};

class Sequence final : public PatternInstance {
 public:
  Sequence(std::uint32_t id, std::uint32_t version, SequenceParams params, std::uint32_t max_securities);
  [[nodiscard]] bool ok() const noexcept { return heads_.ok(); }

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return params_.securities; }
  [[nodiscard]] bool watches_all() const noexcept override { return params_.securities.empty(); }
  [[nodiscard]] bool reads_updates() const noexcept override { return true; }
  void on_update(const MarketState& market, std::uint32_t security, const MarketUpdate& u,
                 SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;
  [[nodiscard]] const SequenceCounters& counters() const noexcept { return counters_; }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  struct Partial {
    std::uint32_t security;
    std::uint32_t step;       // the next step to match
    std::uint32_t count;      // events of that step so far
    std::uint8_t side;        // of the first event
    std::uint64_t start_ns;
    std::uint64_t created;    // order of creation (the oldest is evicted)
    std::uint32_t next;       // in its security's list, or the free list
    bool live;
  };

  [[nodiscard]] bool matches(const SequenceStep& step, const MarketUpdate& u, std::uint8_t side) const noexcept;
  [[nodiscard]] static std::uint8_t side_of(const MarketUpdate& u) noexcept;
  std::uint32_t allocate() noexcept;
  void release(std::uint32_t security, std::uint32_t index) noexcept;
  void complete(const MarketState& market, const Partial& p, SignalOut& out) noexcept;

  SequenceParams params_;
  std::vector<Partial> pool_;
  MappedArray<std::uint32_t> heads_;  // per security: its partial matches, oldest first
  std::uint32_t free_ = kNone;
  std::uint64_t created_ = 0;
  SequenceCounters counters_;
};

}  // namespace tickwire::patterns
