// Messages that are all in memory already (a BinaryFILE chunk, a received burst) applied with
// the book builder's prefetch stages (BookBuilder::prefetch) issued ahead of them: while
// message i is applied, message i + kPrefetchFar starts its first stage, i + kPrefetchNear
// its second and i + kPrefetchClose its third, so each message's cache misses (its order's
// index slot, the order, its level and neighbours) overlap the work on the messages before
// it instead of stalling the core one after another. Hints only: what the messages in
// between change makes one useless, never wrong.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "dataplane/book/prefetch_ticket.h"

namespace tickwire::book {

struct MessageRef {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  // Filled by the first hint stage, read by the later ones (BookBuilder::prefetch_encoded).
  PrefetchTicket ticket{};
};
static_assert(sizeof(MessageRef) == 48, "a listed run of 1024 messages stays at 48 KiB");

// Distances in messages. Far enough for a miss (~100 ns) to resolve behind the work on the
// messages between stages, near enough that the lines are still in L1/L2 when used.
inline constexpr std::size_t kPrefetchFar = 16;
inline constexpr std::size_t kPrefetchNear = 8;
inline constexpr std::size_t kPrefetchClose = 4;

// The hints due before message i of a run of `count` is applied: hint(stage, index). The
// run's first message also brings the first ones their every stage at once (their misses
// still overlap each other).
template <class Hint>
void hints_before(std::size_t i, std::size_t count, Hint&& hint) {
  if (i == 0) {
    for (std::size_t j = 0; j < std::min(count, kPrefetchFar); ++j) hint(0u, j);
    for (std::size_t j = 0; j < std::min(count, kPrefetchNear); ++j) hint(1u, j);
    for (std::size_t j = 0; j < std::min(count, kPrefetchClose); ++j) hint(2u, j);
  }
  if (i + kPrefetchFar < count) hint(0u, i + kPrefetchFar);
  if (i + kPrefetchNear < count) hint(1u, i + kPrefetchNear);
  if (i + kPrefetchClose < count) hint(2u, i + kPrefetchClose);
}

// A run given as an array: hint(stage, i) issues stage `stage` for message i; apply(i)
// applies it and returns false to stop there. Returns how many messages were applied.
template <class Hint, class Apply>
std::size_t apply_prefetched(std::size_t count, Hint&& hint, Apply&& apply) {
  for (std::size_t i = 0; i < count; ++i) {
    hints_before(i, count, hint);
    if (!apply(i)) return i + 1;
  }
  return count;
}

// A run listed ahead of a loop that applies its messages elsewhere (a received burst, whose
// frames the sequencer applies one by one): add() each message, then before_apply(hint)
// before each is applied; hint(stage, ref). Messages applied beyond the run get no hints. The
// run's memory must stay valid until reset().
template <std::size_t Capacity>
class PrefetchSchedule {
 public:
  void reset() noexcept { count_ = applied_ = 0; }
  void add(const MessageRef& m) noexcept {
    if (count_ < Capacity) refs_[count_++] = m;
  }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }

  template <class Hint>
  void before_apply(Hint&& hint) noexcept {  // hint(stage, MessageRef&): stage 0 may fill its ticket
    if (applied_ >= count_) return;
    hints_before(applied_++, count_, [&](unsigned stage, std::size_t j) { hint(stage, refs_[j]); });
  }

 private:
  std::array<MessageRef, Capacity> refs_{};
  std::size_t count_ = 0;
  std::size_t applied_ = 0;
};

}  // namespace tickwire::book
