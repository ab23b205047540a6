// Messages that are all in memory already (a BinaryFILE chunk, a received burst) applied with
// the book builder's prefetch stages (BookBuilder::prefetch) issued ahead of them: while
// message i is applied, message i + kPrefetchFar starts its first stage, i + kPrefetchNear
// its second and i + kPrefetchClose its third, so each message's cache misses (its order's
// index slot, the order, its level and neighbours) overlap the work on the messages before
// it instead of stalling the core one after another. Hints only: what the messages in
// between change makes one useless, never wrong.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace tickwire::book {

struct MessageRef {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
};

// Distances in messages. Far enough for a miss (~100 ns) to resolve behind the work on the
// messages between stages, near enough that the lines are still in L1/L2 when used.
inline constexpr std::size_t kPrefetchFar = 16;
inline constexpr std::size_t kPrefetchNear = 8;
inline constexpr std::size_t kPrefetchClose = 4;

// hint(stage, i) issues stage `stage` for message i; apply(i) applies it and returns false
// to stop there. Returns how many messages were applied.
template <class Hint, class Apply>
std::size_t apply_prefetched(std::size_t count, Hint&& hint, Apply&& apply) {
  // The run's first messages get every stage at once: their misses still overlap each other.
  for (std::size_t i = 0; i < std::min(count, kPrefetchFar); ++i) hint(0u, i);
  for (std::size_t i = 0; i < std::min(count, kPrefetchNear); ++i) hint(1u, i);
  for (std::size_t i = 0; i < std::min(count, kPrefetchClose); ++i) hint(2u, i);
  for (std::size_t i = 0; i < count; ++i) {
    if (i + kPrefetchFar < count) hint(0u, i + kPrefetchFar);
    if (i + kPrefetchNear < count) hint(1u, i + kPrefetchNear);
    if (i + kPrefetchClose < count) hint(2u, i + kPrefetchClose);
    if (!apply(i)) return i + 1;
  }
  return count;
}

}  // namespace tickwire::book
