#include "dataplane/feed/sequence_audit.h"

#include <algorithm>

#include "dataplane/core/cache.h"

namespace tickwire::feed {

std::size_t SequenceAudit::session(SessionId id) noexcept {
  for (std::size_t i = 0; i < session_count_; ++i) {
    if (sessions_[i].id == id) return i;
  }
  if (session_count_ == kMaxSessions) return kNoSession;
  Session& s = sessions_[session_count_];
  s.id = id;
  return session_count_++;
}

void SequenceAudit::open_hole(Session& s, SequenceRange r) noexcept {
  // A hole right after the last one (heartbeats announcing more lost packets, nothing
  // received in between) is the same gap.
  if (s.hole_count != 0 && s.holes[s.hole_count - 1].last + 1 == r.first) {
    s.holes[s.hole_count - 1].last = r.last;
    return;
  }
  if (s.hole_count == kMaxOpenHoles) {
    // Forget the oldest hole: it stays counted in gaps_opened, but late fills of it will
    // read as duplicates. Needs 1024 simultaneous holes in one session to happen.
    const SequenceRange oldest = s.holes[0];
    std::move(s.holes.begin() + 1, s.holes.begin() + s.hole_count, s.holes.begin());
    --s.hole_count;
    evicted(s, oldest);
  }
  s.holes[s.hole_count++] = r;
  ++totals_.gaps_opened;
}

SequenceVerdict SequenceAudit::fill(Session& s, std::uint64_t seq) noexcept {
  auto* begin = s.holes.begin();
  auto* end = begin + s.hole_count;
  // First hole whose last >= seq.
  auto* h = std::lower_bound(begin, end, seq,
                             [](const SequenceRange& r, std::uint64_t v) { return r.last < v; });
  if (h == end || h->first > seq) {
    ++totals_.duplicate_messages;
    return SequenceVerdict::kDuplicate;
  }
  ++totals_.late_messages;
  if (h->first == h->last) {
    std::move(h + 1, end, h);
    --s.hole_count;
  } else if (seq == h->first) {
    ++h->first;
  } else if (seq == h->last) {
    --h->last;
  } else {
    const SequenceRange upper{seq + 1, h->last};
    h->last = seq - 1;
    if (s.hole_count == kMaxOpenHoles) {
      // No room to split: keep the lower part tracked, forget the upper part.
      evicted(s, upper);
      return SequenceVerdict::kLate;
    }
    std::move_backward(h + 1, end, end + 1);
    *(h + 1) = upper;
    ++s.hole_count;
  }
  return SequenceVerdict::kLate;
}

SequenceVerdict SequenceAudit::on_message(std::size_t index, std::uint64_t seq) noexcept {
  Session& s = sessions_[index];
  if (TW_LIKELY(s.started && seq == s.expected)) {
    ++s.expected;
    ++totals_.new_messages;
    return SequenceVerdict::kNew;
  }
  if (!s.started) {
    // A capture may start anywhere in a session: what came before is not a gap.
    s.started = true;
    s.expected = seq;
  }
  if (seq > s.expected) open_hole(s, {s.expected, seq - 1});
  if (seq >= s.expected) {
    s.expected = seq + 1;
    ++totals_.new_messages;
    return SequenceVerdict::kNew;
  }
  return fill(s, seq);
}

void SequenceAudit::on_next_expected(std::size_t index, std::uint64_t next) noexcept {
  Session& s = sessions_[index];
  if (!s.started) {
    s.started = true;
    s.expected = next;
    return;
  }
  if (next > s.expected) {
    open_hole(s, {s.expected, next - 1});
    s.expected = next;
  }
}

std::uint64_t SequenceAudit::missing_messages() const noexcept {
  std::uint64_t n = 0;
  for_each_gap([&n](const SessionId&, const SequenceRange& r) { n += r.size(); });
  return n;
}

}  // namespace tickwire::feed
