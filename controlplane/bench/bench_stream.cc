#include "controlplane/bench/bench_stream.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "pcap_samples/generator/scenario_runner.h"

namespace tickwire::bench {

bool load_bench_stream(const BenchStreamOptions& options, BenchStream& stream, std::string& error) {
  stream = BenchStream{};
  if (options.input.empty()) {
    generator::ScenarioConfig config;
    config.seed = options.seed;
    config.messages = options.messages;
    config.symbols = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(options.symbols, std::max<std::uint64_t>(10, options.messages / 100)));
    config.live_orders_target = options.live_orders;
    generator::RunResult result;
    error = generator::generate_binary_file(config, stream.bytes, &result);
    if (!error.empty()) return false;
  } else {
    std::ifstream in(options.input, std::ios::binary);
    if (!in) {
      error = options.input + ": cannot open";
      return false;
    }
    in.seekg(0, std::ios::end);
    stream.bytes.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(stream.bytes.data()), static_cast<std::streamsize>(stream.bytes.size()));
  }
  std::size_t at = 0;
  while (at + 2 <= stream.bytes.size()) {
    const std::size_t length = (std::size_t{stream.bytes[at]} << 8) | stream.bytes[at + 1];
    if (length == 0 || at + 2 + length > stream.bytes.size()) break;
    at += 2 + length;
    ++stream.messages;
  }
  if (at != stream.bytes.size() || stream.messages == 0) {
    error = options.input + ": not a whole BinaryFILE (2-byte length + ITCH message, repeated) at byte " +
            std::to_string(at);
    return false;
  }
  return true;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

bool pin_to_cpu(int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 != 0 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace tickwire::bench
