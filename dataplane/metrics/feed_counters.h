// What one feed decoder saw: the numbers --stats prints and telemetry exports. Written only
// by the core that owns the decoder.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/metrics/drop_reason.h"

namespace tickwire::metrics {

struct alignas(kCacheLine) FeedCounters {
  std::uint64_t packets = 0;            // frames offered to the decoder
  std::uint64_t bytes = 0;              // their captured bytes
  std::uint64_t packets_filtered = 0;   // UDP datagrams for another group or port: not ours
  std::uint64_t mold_packets = 0;       // MoldUDP64 packets parsed (incl. heartbeats)
  std::uint64_t heartbeats = 0;
  std::uint64_t end_of_session = 0;
  std::uint64_t packets_with_trailing_bytes = 0;  // bytes after the last announced block
  std::uint64_t ipv4_checksum_absent = 0;         // checksum field 0, accepted
  std::uint64_t messages = 0;                     // ITCH messages delivered
  std::array<std::uint64_t, itch::kMessageTypeCount> messages_by_type{};
  std::array<std::uint64_t, kDropReasonCount> drops{};

  void drop(DropReason r, std::uint64_t n = 1) noexcept { drops[static_cast<std::size_t>(r)] += n; }
  [[nodiscard]] std::uint64_t dropped(DropReason r) const noexcept {
    return drops[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] std::uint64_t by_type(char code) const noexcept {
    const auto i = itch::type_index(static_cast<std::uint8_t>(code));
    return i == itch::TypeInfo::kNoIndex ? 0 : messages_by_type[i];
  }
  FeedCounters& operator+=(const FeedCounters& o) noexcept;
};

inline FeedCounters& FeedCounters::operator+=(const FeedCounters& o) noexcept {
  packets += o.packets;
  bytes += o.bytes;
  packets_filtered += o.packets_filtered;
  mold_packets += o.mold_packets;
  heartbeats += o.heartbeats;
  end_of_session += o.end_of_session;
  packets_with_trailing_bytes += o.packets_with_trailing_bytes;
  ipv4_checksum_absent += o.ipv4_checksum_absent;
  messages += o.messages;
  for (std::size_t i = 0; i < messages_by_type.size(); ++i) messages_by_type[i] += o.messages_by_type[i];
  for (std::size_t i = 0; i < drops.size(); ++i) drops[i] += o.drops[i];
  return *this;
}

}  // namespace tickwire::metrics
