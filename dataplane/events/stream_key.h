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
// How many sessions came before the key's (0: the run's first).
[[nodiscard]] constexpr std::uint64_t session_ordinal(std::uint64_t stream_key) noexcept {
  return (stream_key - 1) >> kSessionOrdinalShift;
}

// RX core only. Messages and gaps are observed in stream order; within one session each
// starts above the last (a gap covers first..last, and what follows it lies above it).
class StreamKeys {
 public:
  // The key of the next message routed; `sequence` <= kMaxKeyedSequence.
  [[nodiscard]] std::uint64_t message(std::uint64_t sequence) noexcept { return observe(sequence, sequence); }

  // The key of a gap declared now, between messages. A gap at or below the last sequence
  // seen can only be a new session's (one joined at a snapshot's resume point, with a hole
  // before its first packet).
  [[nodiscard]] std::uint64_t gap(std::uint64_t first, std::uint64_t last) noexcept { return observe(first, last); }

  [[nodiscard]] std::uint64_t ordinal() const noexcept { return ordinal_; }

 private:
  [[nodiscard]] std::uint64_t observe(std::uint64_t first, std::uint64_t last) noexcept {
    if (any_ && first <= last_) ++ordinal_;
    any_ = true;
    last_ = last;
    return (ordinal_ << kSessionOrdinalShift | (first & kMaxKeyedSequence)) + 1;
  }

  std::uint64_t ordinal_ = 0;
  std::uint64_t last_ = 0;
  bool any_ = false;
};

}  // namespace tickwire::events
