// A link-layer frame in, ITCH messages out: headers, filter, MoldUDP64 framing, sequence
// accounting, then each message to the sink, all in place in the frame's bytes.
//
// Templated on the sink so the per-message call inlines; the sink sees a non-owning view
// that is valid until it returns.
#pragma once

#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/feed/datagram_intake.h"
#include "dataplane/feed/message_delivery.h"
#include "dataplane/feed/moldudp64.h"
#include "dataplane/feed/sequence_audit.h"
#include "dataplane/net/udp_filter.h"
#include "dataplane/net/udp_frame.h"

namespace tickwire::feed {

template <class Sink>
class MoldFeedDecoder {
 public:
  MoldFeedDecoder(Sink& sink, const net::UdpFilter& filter, metrics::FeedCounters& counters,
                  SequenceAudit& audit) noexcept
      : sink_(sink), filter_(filter), counters_(counters), audit_(audit) {}

  // Returns the number of ITCH messages delivered from the frame.
  std::uint32_t on_frame(const std::uint8_t* frame, std::uint32_t captured_length, net::LinkType link,
                         std::uint64_t receive_time_ns) noexcept {
    net::UdpDatagram d;
    if (!accept_mold_datagram(frame, captured_length, link, filter_, counters_, d)) return 0;
    return on_mold_packet(d.payload, d.payload_length, receive_time_ns);
  }

  // A UDP payload, for sources that strip the headers themselves.
  std::uint32_t on_datagram(const std::uint8_t* payload, std::uint32_t length,
                            std::uint64_t receive_time_ns) noexcept {
    if (TW_UNLIKELY(length < sizeof(MoldUdp64Header))) {
      counters_.drop(metrics::DropReason::kMoldTruncated);
      return 0;
    }
    ++counters_.mold_packets;
    const std::uint16_t count = wire::view_as<MoldUdp64Header>(payload).message_count.value();
    counters_.heartbeats += count == MoldUdp64Header::kHeartbeat;
    counters_.end_of_session += count == MoldUdp64Header::kEndOfSession;
    return on_mold_packet(payload, length, receive_time_ns);
  }

 private:
  // A MoldUDP64 packet of at least its header, already counted.
  std::uint32_t on_mold_packet(const std::uint8_t* payload, std::uint32_t length,
                               std::uint64_t receive_time_ns) noexcept {
    const auto& header = wire::view_as<MoldUdp64Header>(payload);
    const std::uint16_t count = header.message_count.value();
    const std::uint64_t first_sequence = header.sequence_number.value();
    const std::size_t session = audit_.session(SessionId::from(header.session));
    MoldBlockCursor cursor{payload + sizeof(MoldUdp64Header), payload + length};

    if (count == MoldUdp64Header::kHeartbeat || count == MoldUdp64Header::kEndOfSession) {
      if (session != SequenceAudit::kNoSession) audit_.on_next_expected(session, first_sequence);
      counters_.packets_with_trailing_bytes += cursor.remaining() != 0;
      return 0;
    }

    MessageContext ctx;
    ctx.receive_time_ns = receive_time_ns;
    ctx.sequenced = true;
    ctx.session = session == SequenceAudit::kNoSession ? MessageContext::kUntrackedSession
                                                       : static_cast<std::uint32_t>(session);
    std::uint32_t delivered = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint8_t* message;
      std::size_t message_length;
      if (TW_UNLIKELY(!cursor.advance(message, message_length))) {
        counters_.drop(metrics::DropReason::kMoldBlockOverrun);
        counters_.drop(metrics::DropReason::kMessageLostInOverrun, count - i);
        return delivered;
      }
      ctx.sequence = first_sequence + i;
      if (TW_LIKELY(session != SequenceAudit::kNoSession)) {
        ctx.verdict = audit_.on_message(session, ctx.sequence);
      } else {
        audit_.count_untracked(1);
      }
      delivered += deliver_message(message, message_length, ctx, sink_, counters_);
    }
    counters_.packets_with_trailing_bytes += cursor.remaining() != 0;
    return delivered;
  }

  Sink& sink_;
  const net::UdpFilter& filter_;
  metrics::FeedCounters& counters_;
  SequenceAudit& audit_;
};

}  // namespace tickwire::feed
