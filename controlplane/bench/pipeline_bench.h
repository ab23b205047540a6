// `tickwire bench pipeline`: the whole data path on an in-memory BinaryFILE, unpaced (ns per
// message: decode + book, inline with the detector, RX core + one worker) and paced at each
// rate (latency from intended arrival), then critical latency under low-class overload.
#pragma once

#include <cstdint>
#include <vector>

#include "controlplane/bench/bench_stream.h"

namespace tickwire::bench {

struct PipelineBenchOptions {
  std::uint64_t paced_messages = 2'000'000;  // per paced run
  std::vector<std::uint64_t> rates = {1'000'000, 5'000'000};
  unsigned repeat = 3;    // runs of each unpaced mode, interleaved; the medians are compared
  bool prefetch = true;  // the book builder's hints for the messages ahead, as replay and run give them
};

// Pins this thread to CPU 0 and the worker to CPU 1; prints its figures on stdout. False
// (said on stderr) when a run could not start.
bool run_pipeline_bench(const BenchStream& stream, const PipelineBenchOptions& options);

}  // namespace tickwire::bench
