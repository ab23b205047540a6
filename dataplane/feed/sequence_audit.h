// Per-message sequence accounting of MoldUDP64 sessions, as a capture shows them: which
// messages are new, which repeat one already seen (duplicates, the other line's copy), which
// arrive late into a hole (reordering), and which sequence ranges never arrived (gaps).
//
// It only observes; the live sequencer with its reorder buffer and recovery is separate.
// Memory is fixed at construction: sessions and open holes live in arrays.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "dataplane/feed/moldudp64.h"

namespace tickwire::feed {

struct SequenceRange {
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive
  [[nodiscard]] std::uint64_t size() const noexcept { return last - first + 1; }
  friend bool operator==(const SequenceRange&, const SequenceRange&) = default;
};

enum class SequenceVerdict : std::uint8_t {
  kNew,        // at or past the expected sequence
  kLate,       // fills a hole opened earlier (reordered, or recovered)
  kDuplicate,  // seen before
};

struct SequenceTotals {
  std::uint64_t new_messages = 0;
  std::uint64_t late_messages = 0;
  std::uint64_t duplicate_messages = 0;
  std::uint64_t gaps_opened = 0;
  std::uint64_t holes_evicted = 0;        // open holes dropped from tracking (table full)
  std::uint64_t sessions_untracked = 0;   // messages of sessions past kMaxSessions
};

class SequenceAudit {
 public:
  static constexpr std::size_t kMaxSessions = 16;
  static constexpr std::size_t kMaxOpenHoles = 1024;

  struct Session {
    SessionId id;
    bool started = false;
    std::uint64_t expected = 0;  // next sequence never seen yet
    std::uint32_t hole_count = 0;
    std::array<SequenceRange, kMaxOpenHoles> holes;  // sorted, disjoint, all below `expected`
  };

  // Index of the session's state, or kNoSession when the table is full.
  static constexpr std::size_t kNoSession = ~std::size_t{0};
  [[nodiscard]] std::size_t session(SessionId id) noexcept;

  SequenceVerdict on_message(std::size_t session, std::uint64_t sequence) noexcept;
  // Heartbeats and end-of-session packets carry the next sequence: a higher one opens a
  // hole, the only evidence that the session's last packets were lost.
  void on_next_expected(std::size_t session, std::uint64_t next_sequence) noexcept;
  void count_untracked(std::uint64_t messages) noexcept { totals_.sessions_untracked += messages; }

  // Called with a hole the table had to forget (more than kMaxOpenHoles open in a session):
  // it is still missing as far as anyone knows, so a report must not lose it.
  using EvictionListener = void (*)(void* context, const SessionId& session, const SequenceRange& hole);
  void set_eviction_listener(EvictionListener listener, void* context) noexcept {
    eviction_listener_ = listener;
    eviction_context_ = context;
  }

  [[nodiscard]] const SequenceTotals& totals() const noexcept { return totals_; }
  [[nodiscard]] std::size_t session_count() const noexcept { return session_count_; }
  [[nodiscard]] const Session& session_state(std::size_t i) const noexcept { return sessions_[i]; }
  // Ranges still missing now, session by session, in sequence order.
  template <class Fn>
  void for_each_gap(Fn&& fn) const {
    for (std::size_t s = 0; s < session_count_; ++s) {
      const Session& st = sessions_[s];
      for (std::uint32_t h = 0; h < st.hole_count; ++h) fn(st.id, st.holes[h]);
    }
  }
  [[nodiscard]] std::uint64_t missing_messages() const noexcept;

 private:
  void open_hole(Session& s, SequenceRange r) noexcept;
  SequenceVerdict fill(Session& s, std::uint64_t sequence) noexcept;

  void evicted(const Session& s, const SequenceRange& hole) noexcept {
    ++totals_.holes_evicted;
    if (eviction_listener_ != nullptr) eviction_listener_(eviction_context_, s.id, hole);
  }

  std::size_t session_count_ = 0;
  std::array<Session, kMaxSessions> sessions_{};
  SequenceTotals totals_{};
  EvictionListener eviction_listener_ = nullptr;
  void* eviction_context_ = nullptr;
};

}  // namespace tickwire::feed
