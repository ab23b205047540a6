#include "tests/bench/bench_streams.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "pcap_samples/generator/scenario_runner.h"

namespace tickwire::bench {

namespace {
std::uint64_t g_messages = 10'000'000;
std::uint64_t g_seed = 1;
std::uint64_t g_live_orders = 0;  // 0: the generator's default

bool take_flag(const char* arg, const char* name, std::uint64_t& out) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  out = std::stoull(arg + n + 1);
  return true;
}

// A generated NASDAQ-like day, as BinaryFILE in memory.
BenchStream build() {
  generator::ScenarioConfig config;
  config.seed = g_seed;
  config.messages = g_messages;
  config.symbols = 8000;
  config.live_orders_target = g_live_orders;
  BenchStream s;
  generator::RunResult result;
  const std::string error = generator::generate_binary_file(config, s.bytes, &result);
  if (!error.empty()) {
    std::fprintf(stderr, "generator: %s\n", error.c_str());
    std::exit(1);
  }
  for (std::size_t i = 0; i + 2 <= s.bytes.size(); i += 2 + ((std::size_t{s.bytes[i]} << 8) | s.bytes[i + 1])) {
    ++s.messages;
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
