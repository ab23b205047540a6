// Ethernet, 802.1Q/802.1ad, Linux cooked capture, IPv4 and UDP header views (IEEE 802.3,
// RFC 791, RFC 768). Alignment 1; read in place.
#pragma once

#include <cstdint>

#include "dataplane/core/wire_field.h"

namespace tickwire::net {

inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeVlan = 0x8100;   // 802.1Q customer tag
inline constexpr std::uint16_t kEtherTypeQinQ = 0x88A8;   // 802.1ad service tag
inline constexpr std::uint8_t kIpProtoUdp = 17;
inline constexpr unsigned kMaxVlanTags = 2;

struct EthernetHeader {
  std::uint8_t destination[6];
  std::uint8_t source[6];
  wire::U16 ether_type;
};
static_assert(sizeof(EthernetHeader) == 14);

struct VlanTag {
  wire::U16 tci;
  wire::U16 ether_type;  // of what follows the tag
};
static_assert(sizeof(VlanTag) == 4);

// Linux "cooked" capture (DLT_LINUX_SLL), what tcpdump -i any writes.
struct LinuxSllHeader {
  wire::U16 packet_type;
  wire::U16 arphrd_type;
  wire::U16 address_length;
  std::uint8_t address[8];
  wire::U16 protocol;
};
static_assert(sizeof(LinuxSllHeader) == 16);

struct Ipv4Header {
  std::uint8_t version_ihl;
  std::uint8_t dscp_ecn;
  wire::U16 total_length;
  wire::U16 identification;
  wire::U16 flags_fragment_offset;
  std::uint8_t ttl;
  std::uint8_t protocol;
  wire::U16 header_checksum;
  wire::U32 source;
  wire::U32 destination;

  static constexpr std::uint16_t kMoreFragments = 0x2000;
  static constexpr std::uint16_t kFragmentOffsetMask = 0x1FFF;
};
static_assert(sizeof(Ipv4Header) == 20);

struct UdpHeader {
  wire::U16 source_port;
  wire::U16 destination_port;
  wire::U16 length;
  wire::U16 checksum;
};
static_assert(sizeof(UdpHeader) == 8);

}  // namespace tickwire::net
