// Why a packet, a message or part of an input was not delivered. Every reason has its own
// counter; --stats and the telemetry print them under these names.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tickwire::metrics {

enum class DropReason : std::uint8_t {
  // Packets (counted once per packet).
  kFrameTruncated,       // capture shorter than the headers or the IP total length say
  kNotIpv4,              // an EtherType other than IPv4 after the VLAN tags
  kTooManyVlanTags,      // more than two 802.1Q/802.1ad tags
  kIpv4HeaderInvalid,    // version != 4, IHL < 5, or total length shorter than the header
  kIpv4BadChecksum,      // header checksum does not verify
  kIpv4Fragment,         // MF set or fragment offset != 0: MoldUDP64 never fragments
  kNotUdp,               // IP protocol other than UDP
  kUdpLengthInvalid,     // UDP length < 8 or past the IP payload
  kMoldTruncated,        // UDP payload shorter than the 20-byte MoldUDP64 header
  kMoldBlockOverrun,     // a message block runs past the datagram (its messages: below)
  kMultiSegmentFrame,    // a DPDK mbuf chain; ports are configured so this never happens
  // Messages (counted once per ITCH message).
  kMessageLostInOverrun,  // announced by the packet's count, not present in its bytes
  kEmptyMessageBlock,     // a block of length 0
  kUnknownMessageType,    // first byte is not an ITCH 5.0 type
  kMessageLengthMismatch, // known type, wrong length for it
  // Inputs (counted once per occurrence).
  kCaptureTruncated,      // a pcap/pcapng record cut short at the end of the file
  kGzipTruncated,         // a .gz stream that ends before its trailer, or is corrupt
  kBinaryFileTruncated,   // a BinaryFILE whose last message is cut short
  kCount
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

inline constexpr std::array<std::string_view, kDropReasonCount> kDropReasonNames = {
    "frame_truncated",       "not_ipv4",
    "too_many_vlan_tags",    "ipv4_header_invalid",
    "ipv4_bad_checksum",     "ipv4_fragment",
    "not_udp",               "udp_length_invalid",
    "mold_truncated",        "mold_block_overrun",
    "multi_segment_frame",
    "message_lost_in_overrun", "empty_message_block",
    "unknown_message_type",  "message_length_mismatch",
    "capture_truncated",     "gzip_truncated",
    "binaryfile_truncated",
};

[[nodiscard]] constexpr std::string_view name(DropReason r) noexcept {
  return kDropReasonNames[static_cast<std::size_t>(r)];
}

}  // namespace tickwire::metrics
