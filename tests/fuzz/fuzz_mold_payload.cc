// MoldUDP64 framing and ITCH decoding straight from a UDP payload, where the fuzzer reaches
// block and message layouts faster than through whole frames.
#include <cstdint>
#include <memory>

#include "dataplane/feed/mold_feed_decoder.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire;
  static auto audit = std::make_unique<feed::SequenceAudit>();
  static net::UdpFilter filter;
  static metrics::FeedCounters counters;
  fuzz::ReadEverythingSink sink;
  feed::MoldFeedDecoder<fuzz::ReadEverythingSink> decoder(sink, filter, counters, *audit);
  std::unique_ptr<std::uint8_t[]> payload(new std::uint8_t[size]);
  if (size != 0) std::memcpy(payload.get(), data, size);
  decoder.on_datagram(payload.get(), static_cast<std::uint32_t>(size), 0);
  return 0;
}
