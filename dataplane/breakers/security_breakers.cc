#include "dataplane/breakers/security_breakers.h"

#include "dataplane/breakers/breaker_alert.h"

namespace tickwire::breakers {

namespace {
// Timer entries the heap holds at most: one live entry per open breaker, plus entries an
// earlier deadline superseded. Past it, a breaker moves at its own next quote instead.
constexpr std::size_t kMaxTimers = std::size_t{1} << 16;
// An open quote_rate breaker whose rate is above clear looks again this often per window.
constexpr std::uint64_t kRateRechecksPerWindow = 8;
}  // namespace

SecurityBreakers::SecurityBreakers(const std::vector<BreakerSpec>& specs, std::uint32_t max_instruments,
                                   std::uint32_t max_promoted)
    : specs_(specs), max_instruments_(max_instruments), max_promoted_(max_promoted) {
  std::size_t count = 0;
  for (const BreakerSpec& s : specs_) count += s.scope == Scope::kSecurity && runs_in(s.trigger, s.scope);
  if (count == 0) return;
  slots_.reserve(count);
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const BreakerSpec& s = specs_[i];
    if (s.scope != Scope::kSecurity || !runs_in(s.trigger, s.scope)) continue;
    const bool squared = s.trigger == Trigger::kVolatility;
    slots_.push_back({static_cast<std::uint16_t>(i), &s, static_cast<std::uint16_t>(slots_.size()), squared,
                      squared ? s.trip * s.trip : s.trip});
  }
  for (Slot& s : slots_) {
    all_slots_.push_back(&s);
    (s.spec->trigger == Trigger::kHalt ? halt_slots_ : quote_slots_).push_back(&s);
  }
  // Prefaulted: a few MiB at most, and no page fault when an instrument is first quoted.
  cells_ = MappedArray<Cell>((std::size_t{max_instruments} + 1) * slots_.size(), true);
  marks_ = MappedArray<Mark>(std::size_t{max_instruments} + 1, true);
  timer_capacity_ = std::min(kMaxTimers, slots_.size() * (std::size_t{max_instruments} + 1));
  timers_.reserve(timer_capacity_);
}

bool SecurityBreakers::ok() const noexcept {
  if (slots_.empty()) return true;
  return marks_.ok() && cells_.ok();
}

State SecurityBreakers::state(std::size_t config_index, std::uint32_t instrument) const noexcept {
  if (instrument == 0 || instrument > max_instruments_) return State::kClosed;
  for (const Slot& s : slots_) {
    if (s.index == config_index) return cells_[std::size_t{instrument} * slots_.size() + s.number].core.state();
  }
  return State::kClosed;
}

void SecurityBreakers::schedule(Slot& s, Cell& c, std::uint32_t instrument, std::uint64_t t) noexcept {
  std::uint64_t d = c.core.deadline(*s.spec);
  if (d == BreakerCore::kNoDeadline) return;
  if (d <= t) {
    // No timer runs, and most values hold until the instrument's next event; a quote rate
    // falls by itself as time passes, so an open one is looked at again within its window.
    if (s.spec->trigger != Trigger::kQuoteRate) return;
    d = t + std::max<std::uint64_t>(s.spec->window_ns / kRateRechecksPerWindow, 1);
  }
  if (c.scheduled_ns != 0 && c.scheduled_ns <= d) return;  // an entry fires first and looks again
  if (timers_.size() == timer_capacity_) {
    ++figures_.timers_dropped;
    return;
  }
  const auto slot = static_cast<std::uint16_t>(&s - slots_.data());
  timers_.push_back({d, instrument, slot});
  std::push_heap(timers_.begin(), timers_.end(), later);
  c.scheduled_ns = d;
}

// What the cell's state asks of its instrument's marks now, against what the cell counted
// (kept in the cell, so a mode or promote changed by `ctl breaker set` while it is open never
// takes back more than it gave).
void SecurityBreakers::count(const Slot& s, Cell& c, std::uint32_t instrument) noexcept {
  Mark& mark = marks_[instrument];
  const State state = c.core.state();
  const bool engage = s.spec->mode == Mode::kEnforce && state != State::kClosed;
  const bool promote = engage && s.spec->promote && state == State::kOpen;
  if (engage != c.engaged_counted) {
    const bool was_engaged = mark.engaged != 0;
    engage ? ++mark.engaged : --mark.engaged;
    c.engaged_counted = engage;
    if (was_engaged != (mark.engaged != 0)) was_engaged ? --engaged_instruments_ : ++engaged_instruments_;
  }
  if (promote == c.promoting_counted) return;
  const bool was_promoting = mark.promoting != 0;
  promote ? ++mark.promoting : --mark.promoting;
  c.promoting_counted = promote;
  if (!was_promoting && mark.promoting != 0) {
    if (figures_.promoted_now < max_promoted_) {
      mark.promoted = true;
      figures_.promoted_most = std::max(figures_.promoted_most, ++figures_.promoted_now);
    } else {
      ++figures_.promotions_refused;
    }
  } else if (was_promoting && mark.promoting == 0 && mark.promoted) {
    mark.promoted = false;
    --figures_.promoted_now;
  }
}

feed::FeedAlert SecurityBreakers::alert(const Slot& s, std::uint32_t instrument, const Transition& t,
                                        std::uint64_t key) noexcept {
  feed::FeedAlert a = breaker_alert(s.index, t, sequence_, key);
  a.instrument = instrument;
  std::memcpy(a.stock, marks_[instrument].symbol, sizeof a.stock);
  return a;
}

void SecurityBreakers::named(const events::Event& e) noexcept {
  Mark& mark = marks_[e.instrument];
  std::memcpy(mark.symbol, e.symbol, sizeof e.symbol);
  if (!mark.named) {
    mark.named = true;
    ++named_;
  }
  if ((e.flags & events::kStartsAfresh) == 0) return;
  // Another day's instrument: what was measured belongs to the old one (its breakers keep
  // their state and close on their timers, judging a value of 0 until the new day says more).
  for (Slot& s : slots_) {
    Cell& c = cell(s, e.instrument);
    c.measure = SecurityMeasure{};
    c.last_value = 0;
  }
}

void SecurityBreakers::mark(std::span<events::Event> m) const noexcept {
  for (events::Event& e : m) {
    if (e.instrument == 0 || e.instrument > max_instruments_) continue;
    const Mark& mark = marks_[e.instrument];
    if (mark.engaged != 0) e.flags |= events::kVolatile;
    if (mark.promoted) e.flags |= events::kPromoted;
  }
}

}  // namespace tickwire::breakers
