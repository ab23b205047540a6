#include "dataplane/net/udp_frame.h"

#include <cstring>

#include "dataplane/core/cache.h"
#include "dataplane/net/headers.h"

namespace tickwire::net {

using metrics::DropReason;

std::uint16_t ipv4_header_sum(const std::uint8_t* header, unsigned length) noexcept {
  std::uint32_t sum = 0;
  for (unsigned i = 0; i + 1 < length; i += 2) sum += (unsigned{header[i]} << 8) | header[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

namespace {

FrameResult drop(DropReason r) noexcept { return FrameResult{{}, r}; }

// Finds the IP header behind the link layer: offset into the frame, or a drop reason.
bool locate_ipv4(const std::uint8_t* frame, std::uint32_t caplen, LinkType link,
                 std::uint32_t& offset, DropReason& reason) noexcept {
  std::uint16_t ether_type = 0;
  switch (link) {
    case LinkType::kRawIpv4:
      offset = 0;
      return true;
    case LinkType::kLinuxSll:
      if (caplen < sizeof(LinuxSllHeader)) {
        reason = DropReason::kFrameTruncated;
        return false;
      }
      ether_type = wire::view_as<LinuxSllHeader>(frame).protocol.value();
      offset = sizeof(LinuxSllHeader);
      break;
    case LinkType::kEthernet:
      if (caplen < sizeof(EthernetHeader)) {
        reason = DropReason::kFrameTruncated;
        return false;
      }
      ether_type = wire::view_as<EthernetHeader>(frame).ether_type.value();
      offset = sizeof(EthernetHeader);
      break;
  }
  unsigned tags = 0;
  while (ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) {
    if (++tags > kMaxVlanTags) {
      reason = DropReason::kTooManyVlanTags;
      return false;
    }
    if (caplen < offset + sizeof(VlanTag)) {
      reason = DropReason::kFrameTruncated;
      return false;
    }
    ether_type = wire::view_as<VlanTag>(frame + offset).ether_type.value();
    offset += sizeof(VlanTag);
  }
  if (ether_type != kEtherTypeIpv4) {
    reason = DropReason::kNotIpv4;
    return false;
  }
  return true;
}

}  // namespace

FrameResult parse_udp_frame(const std::uint8_t* frame, std::uint32_t caplen, LinkType link) noexcept {
  std::uint32_t ip_offset = 0;
  DropReason reason{};
  if (TW_UNLIKELY(!locate_ipv4(frame, caplen, link, ip_offset, reason))) return drop(reason);

  const std::uint32_t ip_available = caplen - ip_offset;
  if (TW_UNLIKELY(ip_available < sizeof(Ipv4Header))) return drop(DropReason::kFrameTruncated);
  const std::uint8_t* ip_bytes = frame + ip_offset;
  const auto& ip = wire::view_as<Ipv4Header>(ip_bytes);
  const unsigned version = ip.version_ihl >> 4;
  const unsigned header_length = (ip.version_ihl & 0x0Fu) * 4u;
  const std::uint32_t total_length = ip.total_length.value();
  if (TW_UNLIKELY(version != 4 || header_length < sizeof(Ipv4Header) || total_length < header_length)) {
    return drop(DropReason::kIpv4HeaderInvalid);
  }
  // Ethernet pads short frames, so the capture may be longer than the datagram but never
  // shorter: a shorter one was cut by the snap length.
  if (TW_UNLIKELY(ip_available < total_length)) return drop(DropReason::kFrameTruncated);

  FrameResult result{};
  UdpDatagram& d = result.datagram;
  if (ip.header_checksum.value() == 0) {
    d.ip_checksum_absent = true;
  } else if (TW_UNLIKELY(ipv4_header_sum(ip_bytes, header_length) != 0xFFFF)) {
    return drop(DropReason::kIpv4BadChecksum);
  }
  const std::uint16_t fragment = ip.flags_fragment_offset.value();
  if (TW_UNLIKELY((fragment & (Ipv4Header::kMoreFragments | Ipv4Header::kFragmentOffsetMask)) != 0)) {
    return drop(DropReason::kIpv4Fragment);
  }
  if (TW_UNLIKELY(ip.protocol != kIpProtoUdp)) return drop(DropReason::kNotUdp);

  const std::uint32_t ip_payload_length = total_length - header_length;
  if (TW_UNLIKELY(ip_payload_length < sizeof(UdpHeader))) return drop(DropReason::kUdpLengthInvalid);
  const auto& udp = wire::view_as<UdpHeader>(ip_bytes + header_length);
  const std::uint32_t udp_length = udp.length.value();
  if (TW_UNLIKELY(udp_length < sizeof(UdpHeader) || udp_length > ip_payload_length)) {
    return drop(DropReason::kUdpLengthInvalid);
  }

  d.source_ip = ip.source.value();
  d.destination_ip = ip.destination.value();
  d.source_port = udp.source_port.value();
  d.destination_port = udp.destination_port.value();
  d.payload = ip_bytes + header_length + sizeof(UdpHeader);
  d.payload_length = udp_length - static_cast<std::uint32_t>(sizeof(UdpHeader));
  return result;
}

}  // namespace tickwire::net
