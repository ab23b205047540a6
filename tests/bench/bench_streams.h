// The generated inputs benchmarks run on, built once per process.
#pragma once

#include "controlplane/bench/bench_stream.h"

namespace tickwire::bench {

// Reads and removes --messages=N, --seed=N and --live-orders=N from argv (defaults: 10M,
// 1, the generator's own).
void parse_stream_flags(int& argc, char** argv);
const BenchStream& bench_stream();
// main() of a benchmark binary: the stream flags, then Google Benchmark's own.
int run_benchmarks(int argc, char** argv);

}  // namespace tickwire::bench
