// `tickwire bench book`: decode + book + event emission on an in-memory BinaryFILE, the RX
// core's floor per message.
#pragma once

#include <cstdint>
#include <cstdio>

#include "controlplane/bench/bench_stream.h"

namespace tickwire::bench {

struct BookBenchOptions {
  unsigned repeat = 3;    // the figures are the best run's; each run starts from empty books
  bool prefetch = true;   // the software pipeline of cache hints over the messages ahead
  std::size_t max_orders = 4'000'000;
  std::size_t max_levels = 1'000'000;
};

// Prints one "key value" line per figure; false if the books cannot be reserved.
bool run_book_bench(const BenchStream& stream, const BookBenchOptions& options, std::FILE* out);

}  // namespace tickwire::bench
