// A frame's way to the MoldUDP64 layer, the same on every feed path: counted, parsed down
// to UDP with its bounds checked, filtered, and its MoldUDP64 header checked for length.
#pragma once

#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/feed/moldudp64.h"
#include "dataplane/metrics/feed_counters.h"
#include "dataplane/net/udp_filter.h"
#include "dataplane/net/udp_frame.h"

namespace tickwire::feed {

// True when the frame holds a MoldUDP64 packet for this feed (in `d`); otherwise the frame
// has been counted under its reason (or as filtered).
[[gnu::always_inline]] inline bool accept_mold_datagram(const std::uint8_t* frame, std::uint32_t captured_length,
                                                        net::LinkType link, const net::UdpFilter& filter,
                                                        metrics::FeedCounters& counters, net::UdpDatagram& d) noexcept {
  ++counters.packets;
  counters.bytes += captured_length;
  const net::FrameResult r = net::parse_udp_frame(frame, captured_length, link);
  if (TW_UNLIKELY(r.drop)) {
    counters.drop(*r.drop);
    return false;
  }
  d = r.datagram;
  counters.ipv4_checksum_absent += d.ip_checksum_absent;
  if (!filter.accepts(d.destination_ip, d.destination_port)) {
    ++counters.packets_filtered;
    return false;
  }
  if (TW_UNLIKELY(d.payload_length < sizeof(MoldUdp64Header))) {
    counters.drop(metrics::DropReason::kMoldTruncated);
    return false;
  }
  ++counters.mold_packets;
  const std::uint16_t count = wire::view_as<MoldUdp64Header>(d.payload).message_count.value();
  counters.heartbeats += count == MoldUdp64Header::kHeartbeat;
  counters.end_of_session += count == MoldUdp64Header::kEndOfSession;
  return true;
}

}  // namespace tickwire::feed
