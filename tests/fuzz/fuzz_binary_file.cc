// NASDAQ BinaryFILE (plain or gzip) through the chunked reader and the ITCH decoder.
#include <cstdint>

#include "dataplane/feed/message_delivery.h"
#include "drivers/binary_file_reader.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire;
  const fuzz::MemoryFile file(data, size);
  std::string error;
  // A small chunk so that messages straddle refills.
  auto reader = drivers::BinaryFileReader::open(file.path(), error, 256);
  if (!reader) return 0;
  metrics::FeedCounters counters;
  fuzz::ReadEverythingSink sink;
  const feed::MessageContext ctx{};
  const std::uint8_t* message;
  std::size_t length;
  while (reader->next(message, length) == drivers::ReadStatus::kFrame) {
    feed::deliver_message(message, length, ctx, sink, counters);
  }
  return 0;
}
