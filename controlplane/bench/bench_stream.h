// The input every `tickwire bench` runs on: a BinaryFILE in memory, read from a file or
// generated (a NASDAQ-like day of the scenario generator), so that I/O never enters the figures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tickwire::bench {

struct BenchStreamOptions {
  std::string input;                 // a BinaryFILE; empty: generate
  std::uint64_t messages = 10'000'000;
  std::uint64_t seed = 1;
  std::uint64_t live_orders = 1'200'000;  // peak live orders the generated day aims at
  std::uint32_t symbols = 8000;     // at most: a small day lists fewer (its flow needs ~100 messages each)
};

struct BenchStream {
  std::vector<std::uint8_t> bytes;  // 2-byte big-endian length + message, repeated
  std::uint64_t messages = 0;
};

// False with `error` set when the input cannot be read or is not a whole BinaryFILE.
bool load_bench_stream(const BenchStreamOptions& options, BenchStream& stream, std::string& error);

// Calls fn(const uint8_t* message, size_t length) for each message in order.
template <class Fn>
void for_each_message(const BenchStream& stream, Fn&& fn) {
  const std::uint8_t* p = stream.bytes.data();
  const std::uint8_t* end = p + stream.bytes.size();
  while (end - p >= 2) {
    const std::size_t length = (std::size_t{p[0]} << 8) | p[1];
    fn(p + 2, length);
    p += 2 + length;
  }
}

// Peak resident set of this process, MiB.
double peak_rss_mib();
// Pins the calling thread to one CPU; false (and left where it was) when not allowed.
bool pin_to_cpu(int cpu);
// The middle value; for an even count, the mean of the two middle ones (0 when empty).
double median(std::vector<double> values);

}  // namespace tickwire::bench
