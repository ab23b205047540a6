// Ethernet/VLAN/IPv4/UDP/MoldUDP64/ITCH: one input = one captured frame (the first byte
// picks the link type). Every field of every delivered message is read.
#include <cstdint>
#include <memory>

#include "dataplane/feed/mold_feed_decoder.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire;
  if (size == 0) return 0;
  static auto audit = std::make_unique<feed::SequenceAudit>();
  static net::UdpFilter filter;
  static metrics::FeedCounters counters;
  fuzz::ReadEverythingSink sink;
  feed::MoldFeedDecoder<fuzz::ReadEverythingSink> decoder(sink, filter, counters, *audit);
  const auto link = static_cast<net::LinkType>(data[0] % 3);
  // A heap copy of exactly the frame, so ASan sees a read one byte past it.
  std::unique_ptr<std::uint8_t[]> frame(new std::uint8_t[size - 1]);
  if (size > 1) std::memcpy(frame.get(), data + 1, size - 1);
  decoder.on_frame(frame.get(), static_cast<std::uint32_t>(size - 1), link, 0);
  return 0;
}
