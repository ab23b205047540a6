// Puts a MoldUDP64 feed's messages in sequence order, whichever line or retransmission
// brings them: each sequence number is delivered once (the first copy wins), packets that
// run ahead wait in a bounded reorder buffer, and a hole nobody fills within the window is
// declared a gap with its exact range. Per message, not per packet: a retransmission or the
// other line's packet may overlap a packet only in part.
//
// The in-order case (nearly every packet) is delivered straight from the frame: nothing is
// copied. Only a packet that arrives ahead of a hole is copied into the buffer.
//
// Time is receive time: the capture's in replay (deterministic), the TSC's live. The caller
// passes it in with every packet and with poll().
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"
#include "dataplane/feed/message_context.h"
#include "dataplane/feed/message_delivery.h"
#include "dataplane/feed/moldudp64.h"
#include "dataplane/feed/sequence_audit.h"
#include "dataplane/metrics/feed_counters.h"

namespace tickwire::feed {

// A and B, and the recovery line: what a re-request server sends back.
inline constexpr std::size_t kMaxLines = 3;
inline constexpr unsigned kRecoveryLine = 2;

struct SequencerConfig {
  std::uint64_t reorder_window_ns = 2'000'000;  // how long a hole may wait for its messages
  std::uint32_t buffered_packets = 1024;        // packets held while a hole is open
  std::uint32_t max_packet_bytes = 2048;        // MoldUDP64 payload; 1472 on a 1500-byte MTU
  std::uint64_t stale_after_ns = 3'000'000'000;  // a line silent this long is stale (heartbeats come each second)
  // Replay judges the window at each packet, on its capture time. Live, a whole burst carries
  // the one stamp it was polled at, so judging at each packet would let a hole expire before
  // the copy that fills it, later in the same burst, is looked at (after the RX thread lost its
  // CPU, every packet that waited in the queue looks late). Live windows are judged by poll()
  // at the end of each burst and on empty polls.
  bool judge_window_per_packet = true;
};

enum class GapCause : std::uint8_t {
  kWindowExpired,  // nothing filled the hole within the reorder window
  kBufferFull,     // the packets ahead of the hole filled the buffer first
  kSessionEnded,   // end of session, or a new session began with the hole still open
};

struct LineStats {
  std::uint64_t packets = 0;
  std::uint64_t messages_first = 0;      // sequence numbers this line delivered first
  std::uint64_t messages_duplicate = 0;  // copies that lost the race (or repeats)
  std::uint64_t lag_samples = 0;         // copies seen after the other line's first copy
  std::uint64_t lag_total_ns = 0;        // sum of how far behind this line's copies were
  std::uint64_t lag_max_ns = 0;
};

struct SequencerStats {
  std::uint64_t delivered = 0;          // messages handed on, in order, once each
  std::uint64_t duplicates = 0;
  std::uint64_t buffered_packets = 0;   // packets that waited in the reorder buffer
  std::uint64_t recovered = 0;          // messages that filled a hole before it was declared
  std::uint64_t gaps = 0;               // holes declared lost
  std::uint64_t gap_messages = 0;
  std::uint64_t session_changes = 0;
  std::uint64_t oversized_packets = 0;  // too large for a buffer slot: declared as a gap instead
  // Late join (resume_at): copies of messages below the resume point, which the snapshot
  // already reflects; counted here, not as duplicates.
  std::uint64_t before_resume = 0;
  // Packets of another session while a resume waited for the snapshot's session: dropped,
  // since applying another day onto the snapshot would mix two days in the books.
  std::uint64_t resume_session_mismatches = 0;
  // Packets of a session that has ended (a late copy on the other line, a retransmission
  // answered after the rollover): dropped; starting that session again would end today's.
  std::uint64_t ended_session_packets = 0;
  // Live late join (begin_join): packets held while the snapshot was on its way, and the
  // oldest of them let go when the buffer was full (what they carried then comes from the
  // snapshot, recovery, or is a gap: never silently).
  std::uint64_t join_held_packets = 0;
  std::uint64_t join_evicted_packets = 0;
  std::array<LineStats, kMaxLines> lines{};
};

// The gap and the delivery callbacks, implemented by the caller:
//   void on_message(const MessageContext&, const std::uint8_t* message, std::size_t length)
//   void on_gap(const SessionId&, SequenceRange lost, GapCause)
// and optionally, for a packet whose blocks run past its end (this copy's tail is lost):
//   void on_block_overrun(std::uint64_t messages_lost)
// and, when a session follows another (the next trading day; called after the old one's
// last message or gap, before the new one's first):
//   void on_new_session(const SessionId&)
template <class Output>
class Sequencer {
 public:
  Sequencer(const SequencerConfig& config, Output& output) noexcept
      : config_(config),
        output_(output),
        slots_(std::size_t{config.buffered_packets} * slot_stride(config)),
        order_(config.buffered_packets),
        free_(config.buffered_packets) {
    for (std::uint32_t i = 0; i < config.buffered_packets; ++i) free_[i] = config.buffered_packets - 1 - i;
    free_count_ = config.buffered_packets;
  }

  [[nodiscard]] bool ok() const noexcept { return slots_.ok() && order_.ok() && free_.ok(); }
  // Messages each line never brought (its own sequence gaps), however the other line did.
  [[nodiscard]] std::uint64_t line_missing(unsigned line) const noexcept {
    return line < kRecoveryLine ? line_audit_[line].missing_messages() : 0;
  }
  [[nodiscard]] const SequencerStats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::uint64_t expected() const noexcept { return expected_; }
  [[nodiscard]] bool hole_open() const noexcept { return hole_since_ns_ != kNoHole; }
  // Since when (receive time) the first hole has been known; meaningful while hole_open().
  [[nodiscard]] std::uint64_t hole_since_ns() const noexcept { return hole_since_ns_; }
  // The first missing range (from the next expected to the first buffered or announced
  // sequence), for recovery to ask for. False when nothing is missing.
  [[nodiscard]] bool first_hole(SequenceRange& out) noexcept {
    if (hole_since_ns_ == kNoHole) return false;
    const std::uint64_t end = buffered_ != 0 ? first_of(slot(order_[0]) + kSlotHeader) : next_announced_;
    if (end <= expected_) return false;
    out = {expected_, end - 1};
    return true;
  }
  [[nodiscard]] const SessionId& session() const noexcept { return session_; }

  // Late join after a snapshot (GLIMPSE) that reflects every message below `sequence`: the
  // session `session` (all blanks or all zeros: whichever session comes first) starts at
  // `sequence` instead of at its first packet. Messages below it are counted (before_resume)
  // and dropped; from it on they are delivered in order; a hole from `sequence` to the first
  // live packet is an ordinary hole (recovery may fill it, else it is a gap), while what lies
  // below `sequence` is never one. False when that session has already started.
  //
  // After begin_join(), the packets held meanwhile are judged against `sequence` at once:
  // those below it count as before_resume, the rest are delivered in order, and a hole between
  // `sequence` and the first held packet is an ordinary hole. `now_ns` dates that hole.
  bool resume_at(const SessionId& session, std::uint64_t sequence, std::uint64_t now_ns = 0) noexcept {
    if (TW_UNLIKELY(joining_)) return end_join(session, sequence, now_ns);
    if (started_ && (any_session(session) || session == session_)) return false;
    resume_pending_ = true;
    resume_session_ = session;
    resume_sequence_ = sequence;
    return true;
  }
  // A resume point set and not yet reached by its session.
  [[nodiscard]] bool resume_pending() const noexcept { return resume_pending_; }

  // Live late join: from now until resume_at(), every packet is held in the reorder buffer,
  // none delivered and no hole judged, so that what arrives while the snapshot is fetched is
  // applied after it. A full buffer lets its oldest packets go (join_evicted_packets), as does
  // a new session for the old one's.
  void begin_join() noexcept { joining_ = true; }
  // A join whose snapshot never came: the session goes on from the lowest packet held, as a
  // join without a snapshot (what came before it is unknown, not a gap).
  void abandon_join(std::uint64_t now_ns) noexcept {
    if (!joining_) return;
    joining_ = false;
    if (!started_) return;
    if (buffered_ != 0) expected_ = first_of(slot(order_[0]) + kSlotHeader);
    hole_since_ns_ = kNoHole;
    drain_buffer();
    if (buffered_ != 0 || expected_ < next_announced_) hole_since_ns_ = now_ns;
  }
  [[nodiscard]] bool joining() const noexcept { return joining_; }

  // One MoldUDP64 packet (the UDP payload, at least the 20-byte header) from `line`.
  void on_packet(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_ns, unsigned line) noexcept {
    const auto& header = wire::view_as<MoldUdp64Header>(payload);
    const SessionId session = SessionId::from(header.session);
    const std::uint16_t count = header.message_count.value();
    const std::uint64_t first = header.sequence_number.value();
    ++stats_.lines[line].packets;

    if (TW_UNLIKELY(!started_ || !(session == session_))) {
      if (TW_UNLIKELY(ended(session))) {
        ++stats_.ended_session_packets;
        return;
      }
      if (TW_UNLIKELY(resume_pending_ && !any_session(resume_session_) && !(resume_session_ == session))) {
        ++stats_.resume_session_mismatches;
        return;
      }
      start_session(session, first, receive_ns);
    }
    audit_line(line, session, first, count);
    if (TW_UNLIKELY(joining_)) {
      hold_for_join(payload, length, receive_ns, line, first, count);
      return;
    }

    if (count == MoldUdp64Header::kHeartbeat || count == MoldUdp64Header::kEndOfSession) {
      // Both carry the next sequence number: a higher one means packets were lost.
      announce(first, receive_ns);
      if (first > expected_) open_hole(receive_ns);
      if (config_.judge_window_per_packet) poll(receive_ns);
      return;
    }
    announce(first + count, receive_ns);
    if (first + count <= expected_) {
      count_copies(line, first, count, receive_ns);
      return;
    }
    if (first <= expected_) {
      deliver_packet(payload, length, receive_ns, line, /*late=*/hole_open());
      drain_buffer();
      return;
    }
    buffer_packet(payload, length, receive_ns, line);
    if (config_.judge_window_per_packet) poll(receive_ns);
  }

  // Declares what the reorder window has given up on: every hole known for at least the
  // window. Call it as time passes (every poll of the RX loop live; with each packet's
  // capture time in replay).
  void poll(std::uint64_t now_ns) noexcept {
    // Receive times need not rise (a capture may hold a delayed packet with its send time):
    // time before a hole was known counts as none.
    while (hole_since_ns_ != kNoHole && held_hole_ != expected_ && now_ns > hole_since_ns_ &&
           now_ns - hole_since_ns_ >= config_.reorder_window_ns) {
      declare_gap(GapCause::kWindowExpired, now_ns);
    }
  }

  // Live recovery has asked for the hole starting at `first` and its answer may still come:
  // the reorder window does not declare that hole meanwhile (a full buffer, the session's
  // end or finish() still do). Any other hole is not held. release_hole() lets the window
  // judge it again, at once if it has already passed.
  void hold_hole(std::uint64_t first) noexcept { held_hole_ = first; }
  void release_hole() noexcept { held_hole_ = kNotHeld; }
  // With recovery, a hole that waited behind another may be older than the window by the
  // time it comes first: each declared gap dates the next hole from then, so recovery gets
  // to ask for it before the window gives up on it. (Without recovery every hole past the
  // window is declared at once.)
  void pace_gaps_for_recovery() noexcept { paced_for_recovery_ = true; }

  // End of input: whatever is still missing is lost.
  void finish() noexcept {
    abandon_join(0);
    while (hole_since_ns_ != kNoHole) declare_gap(GapCause::kSessionEnded);
  }

 private:
  static constexpr std::uint64_t kNoHole = ~std::uint64_t{0};
  static constexpr std::size_t kSlotHeader = 16;  // receive time (8), length (4), line (4)
  static constexpr std::size_t kLagSlots = 4096;  // recent first arrivals, for lead/lag

  static std::size_t slot_stride(const SequencerConfig& c) noexcept {
    return (kSlotHeader + c.max_packet_bytes + kCacheLine - 1) / kCacheLine * kCacheLine;
  }
  // Each line's own sequence, for its loss figure.
  void audit_line(unsigned line, const SessionId& session, std::uint64_t first, std::uint16_t count) noexcept {
    if (line == kRecoveryLine) return;  // it only ever carries what was asked for
    SequenceAudit& a = line_audit_[line];
    const std::size_t s = a.session(session);
    if (s == SequenceAudit::kNoSession) return;
    if (count == MoldUdp64Header::kHeartbeat || count == MoldUdp64Header::kEndOfSession) {
      a.on_next_expected(s, first);
      return;
    }
    for (std::uint64_t q = first; q < first + count; ++q) a.on_message(s, q);
  }

  std::uint8_t* slot(std::uint32_t i) noexcept { return slots_.data() + std::size_t{i} * slot_stride(config_); }
  static std::uint64_t first_of(const std::uint8_t* packet) noexcept {
    return wire::view_as<MoldUdp64Header>(packet).sequence_number.value();
  }

  void start_session(const SessionId& session, std::uint64_t first, std::uint64_t now_ns) noexcept {
    // While joining, nothing has been delivered yet: there is no day to end. Nor is there
    // when a snapshot of this session was applied (below): the books hold its state.
    bool follows_another = started_ && !joining_;
    if (started_) {
      ++stats_.session_changes;
      ended_[ended_count_++ % ended_.size()] = session_;
      if (TW_UNLIKELY(joining_)) {
        // Still joining: the old session's packets are no use to a snapshot of the new one.
        evict_oldest_held(buffered_);
      } else {
        finish();
      }
    }
    started_ = true;
    session_ = session;
    held_hole_ = kNotHeld;
    // A feed may be joined at any point: what came before is not a gap (a snapshot would
    // supply it). Not a session that follows one we saw: it starts at 1 (0 in captures that
    // number from 0), and a first packet above that leaves a hole, found or declared lost.
    expected_ = follows_another && first > 1 ? 1 : first;
    resume_floor_ = 0;
    if (TW_UNLIKELY(resume_pending_)) {
      // on_packet lets only the awaited session (or any, for a blank one) start meanwhile:
      // the snapshot supplied everything below its resume point.
      resume_pending_ = false;
      expected_ = resume_sequence_;
      resume_floor_ = resume_sequence_;
      follows_another = false;
    }
    next_announced_ = expected_;
    announced_at_ns_ = now_ns;
    if constexpr (requires { output_.on_new_session(session); }) {
      if (follows_another) output_.on_new_session(session);
    }
  }

  [[nodiscard]] bool ended(const SessionId& session) const noexcept {
    const std::size_t n = std::min<std::size_t>(ended_count_, ended_.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (ended_[i] == session) return true;
    }
    return false;
  }

  static bool any_session(const SessionId& s) noexcept {
    static constexpr char kBlank[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    return s == SessionId{} || s.text() == std::string_view(kBlank, 10);
  }

  void open_hole(std::uint64_t now_ns) noexcept {
    if (hole_since_ns_ == kNoHole) hole_since_ns_ = now_ns;
  }

  // The highest "next sequence" seen, and when it was first seen: it dates a hole at the
  // tail that no buffered packet stands behind (a heartbeat's news, a cut packet's tail).
  void announce(std::uint64_t next, std::uint64_t now_ns) noexcept {
    if (next > next_announced_) {
      next_announced_ = next;
      announced_at_ns_ = now_ns;
    }
  }

  // When the first remaining hole became known: the earliest arrival of a packet beyond it,
  // or the announcement of the tail.
  [[nodiscard]] std::uint64_t first_hole_known_since() noexcept {
    std::uint64_t since = kNoHole;
    for (std::uint32_t i = 0; i < buffered_; ++i) {
      std::uint64_t received;
      std::memcpy(&received, slot(order_[i]), 8);
      if (received < since) since = received;
    }
    if (buffered_ == 0 && expected_ < next_announced_) since = announced_at_ns_;
    return since;
  }

  // Copies of messages already delivered: which line lost the race, and by how much.
  void count_copies(unsigned line, std::uint64_t first, std::uint64_t count, std::uint64_t now_ns) noexcept {
    if (TW_UNLIKELY(first < resume_floor_)) {
      // Below the resume point: in the snapshot, not a copy of anything this feed delivered.
      const std::uint64_t below = std::min(count, resume_floor_ - first);
      stats_.before_resume += below;
      first += below;
      count -= below;
      if (count == 0) return;
    }
    stats_.duplicates += count;
    LineStats& ls = stats_.lines[line];
    ls.messages_duplicate += count;
    const FirstArrival& a = first_arrival_[first & (kLagSlots - 1)];
    if (a.sequence == first && a.line != line && now_ns >= a.receive_ns) {
      const std::uint64_t lag = now_ns - a.receive_ns;
      ++ls.lag_samples;
      ls.lag_total_ns += lag;
      if (lag > ls.lag_max_ns) ls.lag_max_ns = lag;
    }
  }

  // Delivers the messages of a packet from `expected_` on; its start is at or before it.
  // `late`: it fills a hole (counted as recovered), rather than coming out of the buffer.
  void deliver_packet(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_ns, unsigned line,
                      bool late = false) noexcept {
    const auto& header = wire::view_as<MoldUdp64Header>(payload);
    const std::uint64_t first = header.sequence_number.value();
    const std::uint16_t count = header.message_count.value();
    const std::uint64_t skip = expected_ - first;
    if (skip != 0) count_copies(line, first, skip, receive_ns);
    first_arrival_[expected_ & (kLagSlots - 1)] = {expected_, receive_ns, line};

    MoldBlockCursor cursor{payload + sizeof(MoldUdp64Header), payload + length};
    MessageContext ctx;
    ctx.receive_time_ns = receive_ns;
    ctx.sequenced = true;
    ctx.filled_hole = late;
    std::uint64_t delivered = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint8_t* message;
      std::size_t message_length;
      // A block past the end: the rest of this copy is lost; the hole logic waits for
      // another copy of it.
      if (TW_UNLIKELY(!cursor.advance(message, message_length))) {
        if constexpr (requires { output_.on_block_overrun(std::uint64_t{}); }) output_.on_block_overrun(count - i);
        break;
      }
      if (i < skip) continue;
      ctx.sequence = first + i;
      output_.on_message(ctx, message, message_length);
      ++delivered;
    }
    expected_ += delivered;
    stats_.delivered += delivered;
    stats_.lines[line].messages_first += delivered;
    if (late) stats_.recovered += delivered;
    if (expected_ < first + count) {
      open_hole(receive_ns);  // the packet's tail did not survive
    } else if (buffered_ == 0 && expected_ >= next_announced_) {
      hole_since_ns_ = kNoHole;
    }
  }

  void hold_for_join(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_ns, unsigned line,
                     std::uint64_t first, std::uint16_t count) noexcept {
    if (count == MoldUdp64Header::kHeartbeat || count == MoldUdp64Header::kEndOfSession) {
      announce(first, receive_ns);
      return;
    }
    announce(first + count, receive_ns);
    if (TW_UNLIKELY(length > config_.max_packet_bytes)) {
      ++stats_.oversized_packets;
      return;
    }
    if (buffered_ == config_.buffered_packets) evict_oldest_held(std::max<std::uint32_t>(1, buffered_ / 8));
    ++stats_.join_held_packets;
    insert_buffered(payload, length, receive_ns, line);
  }

  // An eighth at a time when the buffer is full: one shift of the order for many packets.
  void evict_oldest_held(std::uint32_t n) noexcept {
    for (std::uint32_t i = 0; i < n; ++i) free_[free_count_++] = order_[i];
    for (std::uint32_t i = n; i < buffered_; ++i) order_[i - n] = order_[i];
    buffered_ -= n;
    stats_.join_evicted_packets += n;
  }

  bool end_join(const SessionId& session, std::uint64_t sequence, std::uint64_t now_ns) noexcept {
    joining_ = false;
    if (!started_ || !(any_session(session) || session == session_)) {
      // Nothing came yet, or only another session: the resume waits for its session. What
      // is held is that other session's, which the snapshot does not continue: let go, so
      // that two days never mix in the books.
      if (started_) {
        stats_.resume_session_mismatches += buffered_;
        for (std::uint32_t i = 0; i < buffered_; ++i) free_[free_count_++] = order_[i];
        buffered_ = 0;
        next_announced_ = expected_;  // nothing of that session is owed either
        started_ = false;
      }
      resume_pending_ = true;
      resume_session_ = session;
      resume_sequence_ = sequence;
    } else {
      // Also a resume point below the first held packet: the snapshot is older than what
      // came since, and the messages in between are a hole like any other.
      expected_ = sequence;
      resume_floor_ = sequence;
      if (next_announced_ < expected_) next_announced_ = expected_;
      announced_at_ns_ = now_ns;
    }
    hole_since_ns_ = kNoHole;
    drain_buffer();
    if (buffered_ != 0 || expected_ < next_announced_) hole_since_ns_ = now_ns;
    return true;
  }

  // Keeps a packet that starts beyond the next expected sequence, in start order.
  void buffer_packet(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_ns,
                     unsigned line) noexcept {
    open_hole(receive_ns);
    if (TW_UNLIKELY(length > config_.max_packet_bytes)) {
      ++stats_.oversized_packets;
      return;
    }
    if (buffered_ == config_.buffered_packets) declare_gap(GapCause::kBufferFull, receive_ns);
    if (first_of(payload) <= expected_) {  // declaring the gap caught up with it
      deliver_packet(payload, length, receive_ns, line);
      drain_buffer();
      return;
    }
    insert_buffered(payload, length, receive_ns, line);
  }

  void insert_buffered(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_ns,
                       unsigned line) noexcept {
    const std::uint32_t s = free_[--free_count_];
    std::uint8_t* p = slot(s);
    std::memcpy(p, &receive_ns, 8);
    std::memcpy(p + 8, &length, 4);
    std::memcpy(p + 12, &line, 4);
    std::memcpy(p + kSlotHeader, payload, length);
    ++stats_.buffered_packets;
    // Insertion by start sequence: the buffer is short and mostly filled in order.
    const std::uint64_t first = first_of(payload);
    std::uint32_t at = buffered_;
    while (at > 0 && first_of(slot(order_[at - 1]) + kSlotHeader) > first) {
      order_[at] = order_[at - 1];
      --at;
    }
    order_[at] = s;
    ++buffered_;
  }

  // Delivers buffered packets that the hole's filling has made current.
  void drain_buffer() noexcept {
    std::uint32_t taken = 0;
    while (taken < buffered_) {
      std::uint8_t* p = slot(order_[taken]);
      const std::uint8_t* packet = p + kSlotHeader;
      if (first_of(packet) > expected_) break;
      std::uint64_t receive_ns;
      std::uint32_t length;
      std::uint32_t line;
      std::memcpy(&receive_ns, p, 8);
      std::memcpy(&length, p + 8, 4);
      std::memcpy(&line, p + 12, 4);
      const std::uint64_t first = first_of(packet);
      const std::uint16_t count = wire::view_as<MoldUdp64Header>(packet).message_count.value();
      if (first + count <= expected_) {
        count_copies(line, first, count, receive_ns);
      } else {
        deliver_packet(packet, length, receive_ns, line);
      }
      free_[free_count_++] = order_[taken];
      ++taken;
    }
    if (taken != 0) {
      for (std::uint32_t i = taken; i < buffered_; ++i) order_[i - taken] = order_[i];
      buffered_ -= taken;
    }
    // With nothing taken, the hole (known since a packet was buffered) is the same one.
    if (buffered_ == 0 && expected_ >= next_announced_) {
      hole_since_ns_ = kNoHole;
    } else if (taken != 0) {
      hole_since_ns_ = first_hole_known_since();  // the hole that remains is a later one
    }
  }

  // Gives up on the messages from the next expected up to the first buffered packet (or the
  // announced next sequence), reports them, and carries on from there.
  // `now_ns` (0: none) dates the next hole when recovery paces gaps: see pace_gaps_for_recovery.
  void declare_gap(GapCause cause, std::uint64_t now_ns = 0) noexcept {
    const std::uint64_t resume = buffered_ != 0 ? first_of(slot(order_[0]) + kSlotHeader) : next_announced_;
    if (resume > expected_) {
      const SequenceRange lost{expected_, resume - 1};
      ++stats_.gaps;
      stats_.gap_messages += lost.size();
      output_.on_gap(session_, lost, cause);
      expected_ = resume;
    }
    hole_since_ns_ = kNoHole;
    drain_buffer();
    if (buffered_ != 0 || expected_ < next_announced_) {
      hole_since_ns_ = first_hole_known_since();
      if (paced_for_recovery_ && now_ns > hole_since_ns_) hole_since_ns_ = now_ns;
    }
  }

  struct FirstArrival {
    std::uint64_t sequence = ~std::uint64_t{0};
    std::uint64_t receive_ns = 0;
    unsigned line = 0;
  };

  SequencerConfig config_;
  Output& output_;
  bool started_ = false;
  SessionId session_{};
  // The sessions that ended most recently: their late packets are not a new session.
  std::array<SessionId, 4> ended_{};
  std::size_t ended_count_ = 0;
  std::uint64_t expected_ = 0;         // next sequence number to deliver
  bool resume_pending_ = false;        // resume_at() waits for its session
  bool joining_ = false;               // begin_join(): holding every packet for the snapshot
  SessionId resume_session_{};
  std::uint64_t resume_sequence_ = 0;
  std::uint64_t resume_floor_ = 0;     // the current session's resume point (0: none)
  std::uint64_t next_announced_ = 0;   // the highest "next" a heartbeat or packet has shown
  std::uint64_t announced_at_ns_ = 0;
  std::uint64_t hole_since_ns_ = kNoHole;
  static constexpr std::uint64_t kNotHeld = ~std::uint64_t{0};
  std::uint64_t held_hole_ = kNotHeld;  // first sequence of the hole recovery holds open
  bool paced_for_recovery_ = false;
  std::uint32_t buffered_ = 0;
  MappedArray<std::uint8_t> slots_;
  MappedArray<std::uint32_t> order_;   // slot numbers, by start sequence
  MappedArray<std::uint32_t> free_;    // slot numbers not in use (a stack)
  std::uint32_t free_count_ = 0;
  std::array<SequenceAudit, kRecoveryLine> line_audit_{};
  std::array<FirstArrival, kLagSlots> first_arrival_{};
  SequencerStats stats_{};
};

}  // namespace tickwire::feed
