#include "dataplane/events/classification.h"

namespace tickwire::events {

ClassificationTable::ClassificationTable(const ClassificationRules& rules, std::uint32_t max_instruments)
    : rules_(rules), max_instruments_(max_instruments), floor_(std::size_t{max_instruments} + 1, /*prefault=*/true) {
  if (!floor_.ok()) return;
  for (std::size_t i = 0; i <= max_instruments_; ++i) floor_[i] = PriorityClass::kLow;
}

ClassificationTable::ClassificationTable(const ClassificationRules& rules, const ClassificationTable& floors_from)
    : ClassificationTable(rules, floors_from.max_instruments_) {
  if (!floor_.ok() || !floors_from.ok()) return;
  for (std::size_t i = 0; i <= max_instruments_; ++i) floor_[i] = floors_from.floor_[i];
}

void ClassificationTable::promote(std::uint32_t instrument, PriorityClass floor) noexcept {
  if (instrument <= max_instruments_) floor_[instrument] = floor;
}

Classifier::Classifier(std::uint32_t max_instruments)
    : max_instruments_(max_instruments), tops_(std::size_t{max_instruments} + 1, /*prefault=*/true) {}

namespace {

// Whether one side of the touch lost at least `percent` of its size in one message,
// wherever its price went (an emptied side has size 0). A touch that moves with its size
// intact is a price move, judged by the jump rule.
bool withdrawn(std::uint64_t old_size, std::uint64_t new_size, const ClassificationRules& rules) {
  if (rules.withdrawal_percent == 0 || old_size < rules.min_touch_size) return false;
  return new_size * 100 <= old_size * (100 - rules.withdrawal_percent);
}

}  // namespace

PriorityClass Classifier::classify_top(const Event& e, const ClassificationRules& rules) noexcept {
  Top& top = tops_[e.instrument];
  const Top now{e.price, e.other_price, e.quantity, e.other_quantity};
  PriorityClass c = rules.by_kind[static_cast<std::size_t>(EventKind::kTopOfBook)];
  const bool was_two_sided = top.bid_size != 0 && top.ask_size != 0;
  const bool two_sided = now.bid_size != 0 && now.ask_size != 0;
  if (rules.jump_basis_points != 0 && was_two_sided && two_sided) {
    const std::int64_t before = std::int64_t{top.bid_price} + top.ask_price;
    const std::int64_t after = std::int64_t{now.bid_price} + now.ask_price;
    const std::int64_t move = after > before ? after - before : before - after;
    if (move * 10'000 >= before * rules.jump_basis_points) c = PriorityClass::kCritical;
  }
  if (withdrawn(top.bid_size, now.bid_size, rules) || withdrawn(top.ask_size, now.ask_size, rules)) {
    c = PriorityClass::kCritical;
  }
  top = now;
  return c;
}

PriorityClass Classifier::classify(std::span<const Event> message, const ClassificationTable& table) noexcept {
  const ClassificationRules& rules = table.rules();
  PriorityClass c = PriorityClass::kLow;
  for (const Event& e : message) {
    const bool tracked = e.instrument != 0 && e.instrument <= max_instruments_;
    PriorityClass k = rules.by_kind[static_cast<std::size_t>(e.kind)];
    if (TW_UNLIKELY(e.flags & kStartsAfresh)) {
      // Stages reset the instrument on it, so it may not be shed; and yesterday's last top
      // is no reference for today's first.
      k = PriorityClass::kCritical;
      if (tracked) tops_[e.instrument] = Top{};
    } else if (e.kind == EventKind::kTopOfBook && tracked) {
      k = classify_top(e, rules);
    } else if (e.kind == EventKind::kLevelChange && tracked) {
      const Top& top = tops_[e.instrument];
      const bool behind = e.side == Side::kBid ? top.bid_size != 0 && e.price < top.bid_price
                                               : top.ask_size != 0 && e.price > top.ask_price;
      if (behind) k = rules.deep_level;
    }
    // A promoted instrument (its security breaker is open): its tops and trades are critical.
    if (TW_UNLIKELY(e.flags & kPromoted) && (e.kind == EventKind::kTopOfBook || e.kind == EventKind::kTrade)) {
      k = PriorityClass::kCritical;
    }
    c = sched::most_urgent(c, k);
  }
  if (!message.empty()) c = sched::most_urgent(c, table.floor(message.front().instrument));
  return c;
}

}  // namespace tickwire::events
