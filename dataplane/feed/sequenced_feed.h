// A MoldUDP64 feed on one or two lines, in sequence order: frames in, each ITCH message
// once, in order, to the sink; what no line delivered in time, to the sink as a gap. The
// RX path of replay and live: datagram intake, then the sequencer, then message delivery.
//
// Lines are told apart by destination (group, port): the first one seen is line A, any
// other is line B (A/B feeds publish the same session to two groups).
#pragma once

#include <algorithm>
#include <cstdint>

#include "dataplane/feed/datagram_intake.h"
#include "dataplane/feed/message_delivery.h"
#include "dataplane/feed/sequencer.h"

namespace tickwire::feed {

// Sink: operator()(const MessageContext&, const Msg&) for every ITCH message type, and
//   void on_gap(const SessionId&, SequenceRange lost, GapCause)
// and optionally, when a line falls silent for the stale interval and when it comes back:
//   void on_line_state(unsigned line, bool stale, std::uint64_t receive_ns)
// and when a MoldUDP64 session follows another (the next trading day), between the old
// session's last message or gap and the new one's first:
//   void on_new_session(const SessionId&)
template <class Sink>
class SequencedFeed {
 public:
  SequencedFeed(Sink& sink, const net::UdpFilter& filter, metrics::FeedCounters& counters,
                const SequencerConfig& config) noexcept
      : sink_(sink),
        filter_(filter),
        counters_(counters),
        stale_after_ns_(config.stale_after_ns),
        output_{sink, counters},
        sequencer_(config, output_) {}

  [[nodiscard]] bool ok() const noexcept { return sequencer_.ok(); }

  void on_frame(const std::uint8_t* frame, std::uint32_t captured_length, net::LinkType link,
                std::uint64_t receive_time_ns) noexcept {
    net::UdpDatagram d;
    if (!accept_mold_datagram(frame, captured_length, link, filter_, counters_, d)) return;
    const unsigned line = line_of(d);
    // Staleness first: in replay time moves only with packets, and this line too may have
    // been silent past the interval before this packet ended it.
    check_lines(receive_time_ns);
    heard(line, receive_time_ns);
    sequencer_.on_packet(d.payload, d.payload_length, receive_time_ns, line);
  }

  // Look-ahead over a received burst, before its frames are handed in one by one: the
  // messages of each frame that the sequencer will deliver (not copies of what it already
  // did), listed for a sink that prefetches for the messages ahead of the one it applies:
  //   void look_ahead(const std::uint8_t* message, std::size_t length)
  //   void reset_look_ahead()   (end_look_ahead: the burst's memory is about to be freed)
  // Pure otherwise: nothing is counted, the frames are parsed again by on_frame.
  void begin_look_ahead() noexcept {
    if constexpr (kSinkLooksAhead) {
      look_ahead_next_ = sequencer_.expected();
      sink_.reset_look_ahead();
    }
  }
  void look_ahead(const std::uint8_t* frame, std::uint32_t captured_length, net::LinkType link) noexcept {
    if constexpr (kSinkLooksAhead) {
      const net::FrameResult r = net::parse_udp_frame(frame, captured_length, link);
      if (r.drop || !filter_.accepts(r.datagram.destination_ip, r.datagram.destination_port) ||
          r.datagram.payload_length < sizeof(MoldUdp64Header)) {
        return;
      }
      const std::uint8_t* p = r.datagram.payload;
      const std::uint8_t* const end = p + r.datagram.payload_length;
      const auto& header = wire::view_as<MoldUdp64Header>(p);
      const std::uint16_t count = header.message_count.value();
      if (count == MoldUdp64Header::kHeartbeat || count == MoldUdp64Header::kEndOfSession) return;
      std::uint64_t sequence = header.sequence_number.value();
      p += sizeof(MoldUdp64Header);
      for (std::uint16_t k = 0; k < count && end - p >= 2; ++k, ++sequence) {
        const std::size_t length = (std::size_t{p[0]} << 8) | p[1];
        if (static_cast<std::size_t>(end - p) < 2 + length) break;
        if (sequence >= look_ahead_next_) sink_.look_ahead(p + 2, length);
        p += 2 + length;
      }
      look_ahead_next_ = std::max(look_ahead_next_, sequence);
    }
  }
  void end_look_ahead() noexcept {
    if constexpr (kSinkLooksAhead) sink_.reset_look_ahead();
  }

  // A packet a re-request server sent back (UDP payload), spliced in like any other copy.
  void on_recovered_packet(const std::uint8_t* payload, std::uint32_t length, std::uint64_t receive_time_ns) noexcept {
    if (TW_UNLIKELY(length < sizeof(MoldUdp64Header))) {
      counters_.drop(metrics::DropReason::kMoldTruncated);
      return;
    }
    sequencer_.on_packet(payload, length, receive_time_ns, kRecoveryLine);
  }
  [[nodiscard]] bool first_hole(SequenceRange& out) noexcept { return sequencer_.first_hole(out); }
  [[nodiscard]] std::uint64_t hole_since_ns() const noexcept { return sequencer_.hole_since_ns(); }
  [[nodiscard]] bool hole_open() const noexcept { return sequencer_.hole_open(); }
  [[nodiscard]] const SessionId& session() const noexcept { return sequencer_.session(); }
  // Late join after a snapshot: see Sequencer::resume_at.
  bool resume_at(const SessionId& session, std::uint64_t sequence, std::uint64_t now_ns = 0) noexcept {
    return sequencer_.resume_at(session, sequence, now_ns);
  }
  // Live late join: see Sequencer::begin_join.
  void begin_join() noexcept { sequencer_.begin_join(); }
  void abandon_join(std::uint64_t now_ns) noexcept { sequencer_.abandon_join(now_ns); }
  [[nodiscard]] bool resume_pending() const noexcept { return sequencer_.resume_pending(); }
  // See Sequencer::hold_hole.
  void hold_hole(std::uint64_t first) noexcept { sequencer_.hold_hole(first); }
  void release_hole() noexcept { sequencer_.release_hole(); }
  void pace_gaps_for_recovery() noexcept { sequencer_.pace_gaps_for_recovery(); }

  // Time passes without packets (live: each idle poll).
  void poll(std::uint64_t now_ns) noexcept {
    sequencer_.poll(now_ns);
    check_lines(now_ns);
  }

  struct LineHealth {
    bool seen = false;
    bool stale = false;
    std::uint64_t last_heard_ns = 0;
    std::uint64_t stale_episodes = 0;
  };
  [[nodiscard]] const LineHealth& line_health(unsigned line) const noexcept { return health_[line]; }
  // End of input: what is still missing is lost.
  void finish(std::uint64_t now_ns) noexcept {
    sequencer_.finish();
    check_lines(now_ns);
  }

  [[nodiscard]] const SequencerStats& stats() const noexcept { return sequencer_.stats(); }
  [[nodiscard]] std::uint64_t line_missing(unsigned line) const noexcept { return sequencer_.line_missing(line); }

 private:
  struct Output {
    Sink& sink;
    metrics::FeedCounters& counters;
    void on_message(const MessageContext& ctx, const std::uint8_t* message, std::size_t length) noexcept {
      deliver_message(message, length, ctx, sink, counters);
    }
    void on_gap(const SessionId& session, SequenceRange lost, GapCause cause) noexcept {
      sink.on_gap(session, lost, cause);
    }
    void on_new_session(const SessionId& session) noexcept {
      if constexpr (requires { sink.on_new_session(session); }) sink.on_new_session(session);
    }
    void on_block_overrun(std::uint64_t messages_lost) noexcept {
      counters.drop(metrics::DropReason::kMoldBlockOverrun);
      counters.drop(metrics::DropReason::kMessageLostInOverrun, messages_lost);
    }
  };

  void heard(unsigned line, std::uint64_t now_ns) noexcept {
    LineHealth& h = health_[line];
    h.seen = true;
    h.last_heard_ns = now_ns;
    if (TW_UNLIKELY(h.stale)) {
      h.stale = false;
      notify(line, false, now_ns);
    }
  }
  // Liveness runs on receive time (capture time in replay), never on exchange time.
  void check_lines(std::uint64_t now_ns) noexcept {
    for (unsigned l = 0; l < kRecoveryLine; ++l) {
      LineHealth& h = health_[l];
      if (!h.seen || h.stale || now_ns <= h.last_heard_ns || now_ns - h.last_heard_ns < stale_after_ns_) continue;
      h.stale = true;
      ++h.stale_episodes;
      notify(l, true, h.last_heard_ns + stale_after_ns_);  // when it became stale
    }
  }
  void notify(unsigned line, bool stale, std::uint64_t now_ns) noexcept {
    if constexpr (requires { sink_.on_line_state(line, stale, now_ns); }) sink_.on_line_state(line, stale, now_ns);
  }

  unsigned line_of(const net::UdpDatagram& d) noexcept {
    const std::uint64_t destination = (std::uint64_t{d.destination_ip} << 16) | d.destination_port;
    if (TW_LIKELY(destination == line_a_)) return 0;
    if (line_a_ == kUnset) {
      line_a_ = destination;
      return 0;
    }
    return 1;
  }

  static constexpr std::uint64_t kUnset = ~std::uint64_t{0};
  static constexpr bool kSinkLooksAhead = requires(Sink& s, const std::uint8_t* m) {
    s.look_ahead(m, std::size_t{});
    s.reset_look_ahead();
  };
  Sink& sink_;
  const net::UdpFilter& filter_;
  metrics::FeedCounters& counters_;
  std::uint64_t stale_after_ns_;
  std::array<LineHealth, kMaxLines> health_{};
  Output output_;
  Sequencer<Output> sequencer_;
  std::uint64_t line_a_ = kUnset;
  std::uint64_t look_ahead_next_ = 0;  // the first sequence not listed yet in this burst
};

}  // namespace tickwire::feed
