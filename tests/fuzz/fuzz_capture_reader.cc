// pcap/pcapng files (plain or gzip) through libpcap and on into the decoder.
#include <cstdint>
#include <memory>

#include "dataplane/feed/mold_feed_decoder.h"
#include "drivers/capture_file_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire;
  const fuzz::MemoryFile file(data, size);
  std::string error;
  auto reader = drivers::CaptureFileReader::open(file.path(), error);
  if (!reader) return 0;
  auto audit = std::make_unique<feed::SequenceAudit>();
  net::UdpFilter filter;
  metrics::FeedCounters counters;
  fuzz::ReadEverythingSink sink;
  feed::MoldFeedDecoder<fuzz::ReadEverythingSink> decoder(sink, filter, counters, *audit);
  drivers::Frame frame;
  while (reader->next(frame) == drivers::ReadStatus::kFrame) {
    decoder.on_frame(frame.data, frame.captured_length, frame.link, frame.receive_time_ns);
  }
  return 0;
}
