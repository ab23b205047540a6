// From a captured link-layer frame to the UDP datagram inside it, with every bound taken
// from the captured length and the IP and UDP lengths, and nothing read past them.
#pragma once

#include <cstdint>
#include <optional>

#include "dataplane/metrics/drop_reason.h"

namespace tickwire::net {

enum class LinkType : std::uint8_t {
  kEthernet,  // DLT_EN10MB, and every DPDK port
  kLinuxSll,  // DLT_LINUX_SLL
  kRawIpv4,   // DLT_RAW / DLT_IPV4: the frame starts at the IP header
};

struct UdpDatagram {
  std::uint32_t source_ip = 0;       // host byte order
  std::uint32_t destination_ip = 0;  // host byte order
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  const std::uint8_t* payload = nullptr;
  std::uint32_t payload_length = 0;
  bool ip_checksum_absent = false;  // header checksum field 0: see parse_udp_frame
};

struct FrameResult {
  UdpDatagram datagram;
  // Set when the frame cannot be used; datagram is then meaningless.
  std::optional<metrics::DropReason> drop;
};

// An IPv4 header checksum of 0 is accepted and flagged rather than dropped: captures taken
// on a sending host with checksum offload (and many rewritten captures) carry 0 there, and
// a real checksum is 0 only with probability 2^-16. Any other mismatch drops the packet.
[[nodiscard]] FrameResult parse_udp_frame(const std::uint8_t* frame, std::uint32_t captured_length,
                                          LinkType link) noexcept;

// RFC 1071 one's-complement sum over an IPv4 header; 0xFFFF when the header verifies.
[[nodiscard]] std::uint16_t ipv4_header_sum(const std::uint8_t* header, unsigned length) noexcept;

}  // namespace tickwire::net
