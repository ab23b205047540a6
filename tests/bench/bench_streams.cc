#include "tests/bench/bench_streams.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>


namespace tickwire::bench {

namespace {
std::uint64_t g_messages = 10'000'000;
std::uint64_t g_seed = 1;
std::uint64_t g_live_orders = 0;  // 0: the generator's own default

bool take_flag(const char* arg, const char* name, std::uint64_t& out) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  out = std::stoull(arg + n + 1);
  return true;
}

// A generated NASDAQ-like day, as BinaryFILE in memory: the one `tickwire bench` runs on.
BenchStream build() {
  BenchStreamOptions options;
  options.messages = g_messages;
  options.seed = g_seed;
  options.live_orders = g_live_orders;
  BenchStream s;
  std::string error;
  if (!load_bench_stream(options, s, error)) {
    std::fprintf(stderr, "generator: %s\n", error.c_str());
    std::exit(1);
  }
  return s;
}
}  // namespace

void parse_stream_flags(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (take_flag(argv[i], "--messages", g_messages) || take_flag(argv[i], "--seed", g_seed) ||
        take_flag(argv[i], "--live-orders", g_live_orders)) {
      continue;
    }
    argv[out++] = argv[i];
  }
  argc = out;
}

const BenchStream& bench_stream() {
  static const BenchStream s = build();
  return s;
}

int run_benchmarks(int argc, char** argv) {
  parse_stream_flags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace tickwire::bench
