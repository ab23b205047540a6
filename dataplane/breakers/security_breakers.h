// The security-scope breakers a feed's RX core runs: each [breaker.NAME] table with scope =
// "security" is one breaker per instrument of the feed, moved by that instrument's own events
// on the feed's exchange clock, so a replay moves them at the same messages on every layout.
//
// Per message: each event's instrument is measured (security_measure.h) and its breakers
// observe the value; timers (the dwell, the clear hold, the probe) of every open breaker wait
// in a min-heap and fire at the first message of the feed at or past their deadline, even when
// their own instrument has gone quiet (journaled just before that message's lines). Then the message's events are marked: kVolatile while
// one of its instrument's enforcing breakers is open or half-open, kPromoted while one that
// promotes is open and the instrument holds one of the max_promoted promotion places (the
// classifier makes such top-of-book and trade messages critical; deep level changes never).
//
// Fixed at start: the per-instrument state lives in lazily mapped arrays (a page is touched
// when an instrument of it is first measured), the timer heap is reserved. No allocation,
// no lock, no text per message.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "dataplane/breakers/breaker.h"
#include "dataplane/breakers/breaker_request.h"
#include "dataplane/breakers/security_measure.h"
#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"
#include "dataplane/events/event.h"
#include "dataplane/feed/feed_alert.h"

namespace tickwire::breakers {

struct SecurityBreakerFigures {
  std::uint64_t suspect_skipped = 0;     // tops of a suspect book, not judged
  std::uint64_t promotions_refused = 0;  // opened while max_promoted instruments were promoted
  std::uint64_t timers_dropped = 0;      // a full timer heap: that breaker moves at its next quote
  std::uint32_t promoted_now = 0;
  std::uint32_t promoted_most = 0;
};

class SecurityBreakers {
 public:
  // `specs`: the session's breakers in config order (those of security scope run here, named
  // by their index). Instruments are 1..max_instruments.
  SecurityBreakers(const std::vector<BreakerSpec>& specs, std::uint32_t max_instruments, std::uint32_t max_promoted);
  SecurityBreakers(const SecurityBreakers&) = delete;
  SecurityBreakers& operator=(const SecurityBreakers&) = delete;

  [[nodiscard]] bool ok() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return slots_.empty(); }

  // One message's events (not empty) at the feed's clock `t_ns`; transitions go to `post` as alerts
  // keyed `key` (the journal places them after the message's own lines).
  template <class Post>
  void message(std::span<events::Event> m, std::uint64_t t_ns, std::uint64_t key, Post&& post) {
    sequence_ = m.front().sequence;
    // Deadlines passed before this message: their moves are journaled before its lines.
    if (!timers_.empty() && timers_.front().deadline_ns <= t_ns) [[unlikely]] fire_timers(t_ns, key - 1, post);
    bool marked = false;
    for (events::Event& e : m) {
      if (e.instrument == 0 || e.instrument > max_instruments_) continue;
      switch (e.kind) {
        case events::EventKind::kTopOfBook:
          if (e.flags & events::kBookSuspect) [[unlikely]] {
            ++figures_.suspect_skipped;
            break;
          }
          for (Slot* s : quote_slots_) observe(*s, e.instrument, t_ns, measure_top(*s, e, t_ns), key, post);
          break;
        case events::EventKind::kTradingState:
          for (Slot* s : halt_slots_) {
            observe(*s, e.instrument, t_ns, measure::halt(cell(*s, e.instrument).measure, e), key, post);
          }
          break;
        case events::EventKind::kInstrumentAdded: named(e); break;
        default: break;
      }
      marked |= marks_[e.instrument].engaged != 0;
    }
    if (marked) [[unlikely]] mark(m);
  }

  // A request for breaker `index` (ignored when it is not one of these) at the feed's clock
  // `t_ns`, keyed `key` after message `sequence`: new settings for every instrument's, or an
  // override of one instrument's (an override without an instrument is refused before here).
  template <class Post>
  void serve(const BreakerRequest& r, std::uint64_t t_ns, std::uint64_t sequence, std::uint64_t key, Post&& post) {
    for (Slot& s : slots_) {
      if (s.index != r.index) continue;
      sequence_ = sequence;
      BreakerSpec& spec = specs_[r.index];
      if (r.kind == BreakerRequest::Kind::kSet) {
        apply(r.settings, spec);
        s.fast_trip = s.squared ? spec.trip * spec.trip : spec.trip;
        post(alert(s, 0, unmoved(State::kClosed, Cause::kSet, t_ns, spec), key));
        return;
      }
      if (r.instrument == 0 || r.instrument > max_instruments_) return;
      Cell& c = cell(s, r.instrument);
      std::optional<Transition> tr = c.core.force(spec, r.override, t_ns, c.last_value);
      if (!tr) tr = unmoved(c.core.state(), cause_of(r.override), t_ns, spec);
      count(s, c, r.instrument);
      post(alert(s, r.instrument, *tr, key));
      schedule(s, c, r.instrument, t_ns);
    }
  }

  // Percent of the named instruments with an enforcing breaker open or half-open (the
  // market scope's open_share).
  [[nodiscard]] double open_share() const noexcept {
    return named_ == 0 ? 0.0 : static_cast<double>(engaged_instruments_) * 100.0 / static_cast<double>(named_);
  }

  [[nodiscard]] const SecurityBreakerFigures& figures() const noexcept { return figures_; }
  // The state of breaker `config_index` for `instrument` (tests, ctl).
  [[nodiscard]] State state(std::size_t config_index, std::uint32_t instrument) const noexcept;

 private:
  // What a closed breaker reads per quote (the measure, the machine's state) on one line.
  struct alignas(kCacheLine) Cell {
    SecurityMeasure measure;
    BreakerCore core;
    double last_value;           // what a timer observes (quote_rate is read afresh)
    std::uint64_t scheduled_ns;  // its live entry in the timer heap (0: none)
    bool engaged_counted;        // counted in its instrument's Mark::engaged
    bool promoting_counted;      // counted in its instrument's Mark::promoting
  };
  static_assert(offsetof(Cell, core) + sizeof(State) <= kCacheLine);
  struct Slot {
    std::uint16_t index;  // in the session's breakers
    const BreakerSpec* spec;
    std::uint16_t number;  // among the slots: where its cell sits in an instrument's block
    bool squared;    // the measure's ratio is its value squared (volatility)
    double fast_trip;  // trip, squared where the ratio is: judged without a division
  };
  struct Mark {
    char symbol[8];
    std::uint8_t engaged;    // enforcing breakers open or half-open
    std::uint8_t promoting;  // promoting breakers open
    bool promoted;           // holds a promotion place
    bool named;              // counted in named_
  };
  struct Timer {
    std::uint64_t deadline_ns;
    std::uint32_t instrument;
    std::uint16_t slot;
  };
  static bool later(const Timer& a, const Timer& b) noexcept { return a.deadline_ns > b.deadline_ns; }

  // An instrument's cells sit together (one block of lines, one page): a quote reads them all.
  Cell& cell(const Slot& s, std::uint32_t instrument) noexcept {
    return cells_[std::size_t{instrument} * slots_.size() + s.number];
  }
  measure::Ratio measure_top(Slot& s, const events::Event& e, std::uint64_t t) noexcept {
    SecurityMeasure& m = cell(s, e.instrument).measure;
    switch (s.spec->trigger) {
      case Trigger::kVolatility: return measure::volatility(m, *s.spec, e, t);
      case Trigger::kBand: return measure::band(m, *s.spec, e, t);
      case Trigger::kSpread: return measure::spread(m, *s.spec, e, t);
      case Trigger::kQuoteRate: return measure::quote_rate(m, *s.spec, t);
      default: return {};
    }
  }

  template <class Post>
  void observe(Slot& s, std::uint32_t instrument, std::uint64_t t, measure::Ratio r, std::uint64_t key, Post& post) {
    Cell& c = cell(s, instrument);
    if (c.core.resting() && r.num <= s.fast_trip * r.den) [[likely]] return;
    if (!(r.den > 0)) return;  // a top without both sides, or a norm still warming up: says nothing
    observe_value(s, instrument, t, r.value(s.squared), key, post);
  }
  template <class Post>
  void observe_value(Slot& s, std::uint32_t instrument, std::uint64_t t, double value, std::uint64_t key, Post& post) {
    Cell& c = cell(s, instrument);
    c.last_value = value;
    const auto tr = c.core.observe(*s.spec, t, value);
    if (tr) {
      count(s, c, instrument);
      post(alert(s, instrument, *tr, key));
    }
    schedule(s, c, instrument, t);
  }
  template <class Post>
  void fire_timers(std::uint64_t t, std::uint64_t key, Post& post) {
    while (!timers_.empty() && timers_.front().deadline_ns <= t) {
      std::pop_heap(timers_.begin(), timers_.end(), later);
      const Timer due = timers_.back();
      timers_.pop_back();
      Slot& s = *all_slots_[due.slot];
      Cell& c = cell(s, due.instrument);
      if (c.scheduled_ns != due.deadline_ns) continue;  // superseded by an earlier one
      c.scheduled_ns = 0;
      const double value = s.spec->trigger == Trigger::kQuoteRate ? measure::quote_rate_at(c.measure, *s.spec, t)
                                                                  : c.last_value;
      observe_value(s, due.instrument, t, value, key, post);
    }
  }
  void schedule(Slot& s, Cell& c, std::uint32_t instrument, std::uint64_t t) noexcept;
  void count(const Slot& s, Cell& c, std::uint32_t instrument) noexcept;
  feed::FeedAlert alert(const Slot& s, std::uint32_t instrument, const Transition& t, std::uint64_t key) noexcept;
  void named(const events::Event& e) noexcept;
  void mark(std::span<events::Event> m) const noexcept;

  std::vector<BreakerSpec> specs_;  // never resized: slots point into it
  std::vector<Slot> slots_;
  std::vector<Slot*> all_slots_;    // by slot number (what a timer names)
  std::vector<Slot*> quote_slots_;  // measured on tops of book
  std::vector<Slot*> halt_slots_;   // measured on trading states
  MappedArray<Cell> cells_;  // by instrument, then slot
  MappedArray<Mark> marks_;
  std::vector<Timer> timers_;       // a min-heap on the deadline; capacity reserved
  std::size_t timer_capacity_ = 0;
  std::uint32_t max_instruments_;
  std::uint32_t max_promoted_;
  std::uint64_t sequence_ = 0;      // the message being observed (what an alert names)
  std::uint32_t named_ = 0;              // instruments named on the feed so far
  std::uint32_t engaged_instruments_ = 0;  // of them, with an enforcing breaker open or half-open
  SecurityBreakerFigures figures_;
};

}  // namespace tickwire::breakers
