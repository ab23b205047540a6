// The snapshot client's side of SoupBinTCP under arbitrary bytes: the first byte picks the
// chunk sizes, the rest is the stream. The decoder must hand out only packets that lie
// within what it was given, stop for good at a framing error, and the payload parsers
// (login, End of Snapshot) must refuse or read, never overrun.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "controlplane/recovery/glimpse_snapshot.h"
#include "controlplane/recovery/soupbintcp.h"

namespace sbt = tickwire::recovery::soupbintcp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  data += 1;
  size -= 1;
  sbt::PacketDecoder decoder;
  std::size_t given = 0;
  std::size_t handed_out = 0;
  for (std::size_t at = 0; at < size; at += chunk) {
    const std::size_t n = std::min(chunk, size - at);
    decoder.append(data + at, n);
    given += n;
    for (;;) {
      sbt::Packet packet;
      const sbt::DecodeStatus status = decoder.next(packet);
      if (status == sbt::DecodeStatus::kNeedMore) break;
      if (status == sbt::DecodeStatus::kBadLength) {
        if (!decoder.failed()) std::abort();
        return 0;  // unusable from here: nothing after it may be read
      }
      handed_out += 3 + packet.payload.size();  // length, type, payload
      if (handed_out > given) std::abort();
      sbt::LoginRequestFields request;
      sbt::LoginAcceptedFields accepted;
      (void)sbt::parse_login_request(packet.payload, request);
      (void)sbt::parse_login_accepted(packet.payload, accepted);
      std::uint64_t resume = 0;
      (void)tickwire::recovery::parse_end_of_snapshot(packet.payload.data(), packet.payload.size(), resume);
      (void)sbt::parse_numeric(std::string_view(reinterpret_cast<const char*>(packet.payload.data()),
                                                packet.payload.size()));
    }
  }
  if (handed_out + decoder.pending_bytes() != given) std::abort();
  return 0;
}
