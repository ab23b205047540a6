// What the pcap writer did to packets on purpose, one record per fault and line: the
// sidecar's packet half, and what gap tests compare a receiver against.
#pragma once

#include <cstdint>
#include <string_view>

namespace tickwire::generator {

enum class PacketFaultKind : std::uint8_t {
  kGap,                 // packets never sent on this line
  kDuplicate,           // the packet sent twice in a row
  kReorder,             // the packet sent after `delay_packets` later packets of its line
  kTruncate,            // the datagram ends inside a message block
  kBadIpChecksum,       // IPv4 header checksum wrong: the whole packet is dropped
  kBadBlockLength,      // a block length runs past the datagram: the rest is unreadable
};

[[nodiscard]] constexpr std::string_view fault_name(PacketFaultKind k) noexcept {
  switch (k) {
    case PacketFaultKind::kGap: return "gap";
    case PacketFaultKind::kDuplicate: return "duplicate";
    case PacketFaultKind::kReorder: return "reorder";
    case PacketFaultKind::kTruncate: return "truncate";
    case PacketFaultKind::kBadIpChecksum: return "corrupt_ip_checksum";
    case PacketFaultKind::kBadBlockLength: return "corrupt_block_length";
  }
  return "?";
}

struct PacketFaultRecord {
  PacketFaultKind kind = PacketFaultKind::kGap;
  char line = 'A';
  std::uint64_t first_seq = 0;  // messages of the packet(s) concerned
  std::uint64_t last_seq = 0;
  std::uint32_t packets = 1;        // gaps: how many packets were lost
  std::uint32_t delay_packets = 0;  // reorder: later packets of the line sent before it
  // Messages a receiver cannot read from this line because of the fault (0 when none):
  // the whole range for gaps and bad checksums, the cut or overrun block to the end of the
  // packet for truncation and bad block lengths.
  std::uint64_t lost_first = 0;
  std::uint64_t lost_last = 0;
  std::uint32_t payload_bytes = 0;  // truncate: UDP payload bytes left of the original
  std::uint32_t block_index = 0;    // truncate, bad block length: the first unreadable block
};

}  // namespace tickwire::generator
