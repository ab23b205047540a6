#include "dataplane/patterns/templates/sequence.h"

namespace tickwire::patterns {

Sequence::Sequence(std::uint32_t id, std::uint32_t version, SequenceParams params, std::uint32_t max_securities)
    : PatternInstance(id, version), params_(std::move(params)), pool_(params_.max_partial), heads_(max_securities) {
  for (std::size_t i = 0; i < heads_.capacity(); ++i) heads_[i] = kNone;
  for (std::uint32_t i = 0; i < pool_.size(); ++i) {
    pool_[i].live = false;
    pool_[i].next = i + 1 < pool_.size() ? i + 1 : kNone;
  }
  free_ = pool_.empty() ? kNone : 0;
}

std::uint8_t Sequence::side_of(const MarketUpdate& u) noexcept {
  return u.kind == UpdateKind::kLevel || u.kind == UpdateKind::kTrade ? u.side : 0;
}

bool Sequence::matches(const SequenceStep& step, const MarketUpdate& u, std::uint8_t side) const noexcept {
  const std::uint8_t event_side = side_of(u);
  if (step.side != 0 && event_side != step.side) return false;
  if (side != 0 && event_side != side) return false;
  switch (step.kind) {
    case StepKind::kLevelRemoved:
      return u.kind == UpdateKind::kLevel && u.level.shares == 0 && u.extra <= step.max_depth;
    case StepKind::kLevelChanged:
      return u.kind == UpdateKind::kLevel && u.level.shares != 0 && u.level.shares >= step.min_shares &&
             u.extra <= step.max_depth;
    case StepKind::kTrade:
      return u.kind == UpdateKind::kTrade && u.trade.shares >= step.min_shares;
    case StepKind::kTop:
      return u.kind == UpdateKind::kTopOfBook;
    case StepKind::kHalt: {
      const auto s = static_cast<TradingState>(u.extra);
      return u.kind == UpdateKind::kTradingState && (s == TradingState::kHalted || s == TradingState::kPaused);
    }
    case StepKind::kResume:
      return u.kind == UpdateKind::kTradingState && static_cast<TradingState>(u.extra) == TradingState::kTrading;
  }
  return false;
}

std::uint32_t Sequence::allocate() noexcept {
  if (free_ == kNone) {
    // Full: the oldest partial match makes room.
    std::uint32_t oldest = kNone;
    for (std::uint32_t i = 0; i < pool_.size(); ++i) {
      if (pool_[i].live && (oldest == kNone || pool_[i].created < pool_[oldest].created)) oldest = i;
    }
    if (oldest == kNone) return kNone;
    ++counters_.evicted;
    release(pool_[oldest].security, oldest);
  }
  const std::uint32_t i = free_;
  free_ = pool_[i].next;
  return i;
}

void Sequence::release(std::uint32_t security, std::uint32_t index) noexcept {
  // Unlink from its security's list (short: the pool is small and matches are brief).
  std::uint32_t* link = &heads_[security];
  while (*link != kNone && *link != index) link = &pool_[*link].next;
  if (*link == index) *link = pool_[index].next;
  pool_[index].live = false;
  pool_[index].next = free_;
  free_ = index;
}

void Sequence::complete(const MarketState& market, const Partial& p, SignalOut& out) noexcept {
  ++counters_.completed;
  PatternSignal* s = out.signal(PatternSignalKind::kSequence);
  if (s == nullptr) return;
  s->legs = 1;
  s->securities[0] = p.security;
  s->values[0] = market[p.security].mid2();
  s->direction = 0;
  s->score = static_cast<double>(params_.steps.size());
  s->lag_ns = 0;
}

void Sequence::on_update(const MarketState& market, std::uint32_t security, const MarketUpdate& u,
                         SignalOut& out) noexcept {
  if (security >= heads_.capacity() || params_.steps.empty()) return;
  // Advance (and expire) this security's partial matches, oldest first.
  for (std::uint32_t i = heads_[security]; i != kNone;) {
    Partial& p = pool_[i];
    const std::uint32_t next = p.next;
    if (u.time_ns - p.start_ns > params_.within_ns) {
      ++counters_.expired;
      release(security, i);
      i = next;
      continue;
    }
    const SequenceStep& step = params_.steps[p.step];
    if (matches(step, u, params_.same_side ? p.side : 0) && ++p.count == step.count) {
      p.count = 0;
      if (++p.step == params_.steps.size()) {
        const Partial done = p;
        complete(market, done, out);
        // Matching starts again past this event: every partial match of the security ends.
        while (heads_[security] != kNone) release(security, heads_[security]);
        return;  // this event is used
      }
    }
    i = next;
  }
  // A new partial match at each event that matches the first step.
  const SequenceStep& first = params_.steps[0];
  if (!matches(first, u, 0)) return;
  if (first.count == 1 && params_.steps.size() == 1) {
    Partial p{security, 0, 0, side_of(u), u.time_ns, ++created_, kNone, true};
    complete(market, p, out);
    return;
  }
  const std::uint32_t i = allocate();
  if (i == kNone) return;
  ++counters_.started;
  Partial& p = pool_[i];
  p = Partial{security, 0, 1, side_of(u), u.time_ns, ++created_, kNone, true};
  if (p.count == first.count) {
    p.step = 1;
    p.count = 0;
  }
  // Appended, so a security's list stays oldest first.
  std::uint32_t* link = &heads_[security];
  while (*link != kNone) link = &pool_[*link].next;
  *link = i;
}

void Sequence::on_day_begins(std::uint16_t) noexcept {
  for (std::uint32_t i = 0; i < pool_.size(); ++i) {
    if (pool_[i].live) release(pool_[i].security, i);
  }
}

}  // namespace tickwire::patterns
