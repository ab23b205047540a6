// Where a message stands in a run that may span several MoldUDP64 sessions (a capture of two
// days, an appliance running over midnight). A feed sequence starts again with each session,
// but the worker side orders by one number that must keep rising: the scheduler's "visible
// up to" mark, the workers' watermarks and the journal merge all compare sequences. With
// raw sequences a new session looks like the distant past: its lines jump ahead of the old
// session's in the merge, and a worker holding old-session messages waits for a sequence
// the new session may never reach.
//
// So the RX core's router keys every message it routes with the session's ordinal (how many
// times the sequence fell back) above the feed sequence, and outputs print feed_sequence().
// Keys start at 1, whatever the feed's first sequence: 0 means "nothing yet" to the
// watermarks, and a feed that numbers from 0 (some rewrapped captures do) must not look idle.
// Within one session the sequencer delivers sequences strictly rising, which is what makes
// "fell back" mean "a new session began".
#pragma once

#include <cstdint>

namespace tickwire::events {

inline constexpr unsigned kSessionOrdinalShift = 48;
// A day of the busiest feed is under 2^33 messages; past this a sequence cannot be keyed.
inline constexpr std::uint64_t kMaxKeyedSequence = (std::uint64_t{1} << kSessionOrdinalShift) - 1;

[[nodiscard]] constexpr std::uint64_t feed_sequence(std::uint64_t stream_key) noexcept {
  return (stream_key - 1) & kMaxKeyedSequence;
}

// RX core only.
class StreamKeys {
 public:
  // The key of the next message routed; `sequence` <= kMaxKeyedSequence.
  [[nodiscard]] std::uint64_t message(std::uint64_t sequence) noexcept {
    if (next_is_new_session_ || (any_ && sequence <= last_)) {
      ++ordinal_;
      next_is_new_session_ = false;
    }
    any_ = true;
    last_ = sequence;
    return key(ordinal_, sequence);
  }

  // The key of a gap declared now, between messages, whose first lost sequence is `first`.
  // A gap at or below the last message routed can only be a new session's (one that begins
  // at a snapshot's resume point, with a hole before its first packet): it takes the next
  // ordinal, and so does the message after it.
  [[nodiscard]] std::uint64_t gap(std::uint64_t first) noexcept {
    if (any_ && first <= last_) next_is_new_session_ = true;
    return key(ordinal_ + (next_is_new_session_ ? 1 : 0), first);
  }

  [[nodiscard]] std::uint64_t ordinal() const noexcept { return ordinal_; }

 private:
  [[nodiscard]] static constexpr std::uint64_t key(std::uint64_t ordinal, std::uint64_t sequence) noexcept {
    return (ordinal << kSessionOrdinalShift | (sequence & kMaxKeyedSequence)) + 1;
  }

  std::uint64_t ordinal_ = 0;
  std::uint64_t last_ = 0;
  bool any_ = false;
  bool next_is_new_session_ = false;
};

}  // namespace tickwire::events
