// Decode throughput: an in-memory BinaryFILE of generated messages, every field of every
// message read into a checksum, which is checked against a byte-by-byte reference decoder
// driven by the spec table (so no field read can be optimised away or be wrong).
//
//   build/tests/decode_bench [--messages=N] [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <string>

#include "dataplane/itch/decoder.h"
#include "tests/bench/bench_streams.h"
#include "tests/support/alloc_counter.h"
#include "tests/support/itch_spec_table.h"

namespace tickwire::bench {
namespace {

// Field value as the checksum sees it: integers as values, alpha as their bytes
// (little-endian packed, at most 8).
template <class Field>
inline std::uint64_t checksum_value(const Field& f) {
  if constexpr (wire::kIsAlpha<Field>) {
    std::uint64_t v = 0;
    std::memcpy(&v, f.chars, Field::kSize);
    return v;
  } else {
    return f.value();
  }
}

struct ChecksumVisitor {
  std::uint64_t sum = 0;
  std::uint64_t position = 0;
  template <class Field>
  void operator()(std::string_view, const Field& f) {
    sum += checksum_value(f) * (2 * position++ + 1);
  }
};

struct DecodeResult {
  std::uint64_t checksum = 0;
  std::uint64_t messages = 0;
  std::uint64_t rejected = 0;
};

DecodeResult decode_stream(const std::uint8_t* p, const std::uint8_t* end) {
  DecodeResult r;
  while (end - p >= 2) {
    const std::size_t n = (std::size_t{p[0]} << 8) | p[1];
    const std::uint8_t* m = p + 2;
    if (TW_UNLIKELY(static_cast<std::size_t>(end - m) < n)) break;
    p = m + n;
    const auto status = itch::decode_message(m, n, [&](const auto& message) {
      ChecksumVisitor v;
      message.for_each_field(v);
      r.checksum += v.sum;
    });
    r.messages += status == itch::DecodeStatus::kOk;
    r.rejected += status != itch::DecodeStatus::kOk;
  }
  return r;
}

// The oracle: fields located with the spec table, values assembled byte by byte.
std::uint64_t reference_checksum(const std::vector<std::uint8_t>& stream) {
  const test::SpecTable& spec = test::itch_spec();
  std::uint64_t sum = 0;
  std::size_t i = 0;
  while (i + 2 <= stream.size()) {
    const std::size_t n = (std::size_t{stream[i]} << 8) | stream[i + 1];
    const std::uint8_t* m = stream.data() + i + 2;
    i += 2 + n;
    const auto it = spec.find(static_cast<char>(m[0]));
    if (it == spec.end()) continue;
    std::uint64_t position = 0;
    for (const test::SpecField& f : it->second) {
      std::uint64_t v = 0;
      if (f.kind == "a") {
        for (std::size_t k = 0; k < f.size; ++k) v |= std::uint64_t{m[f.offset + k]} << (8 * k);
      } else {
        for (std::size_t k = 0; k < f.size; ++k) v = (v << 8) | m[f.offset + k];
      }
      sum += v * (2 * position++ + 1);
    }
  }
  return sum;
}

void BM_DecodeAllFields(benchmark::State& state) {
  const BenchStream& s = bench_stream();
  const std::uint64_t expected = reference_checksum(s.bytes);
  const std::uint8_t* begin = s.bytes.data();
  const std::uint8_t* end = begin + s.bytes.size();
  std::uint64_t allocations = 0;
  std::chrono::nanoseconds elapsed{0};
  DecodeResult r;
  for (auto _ : state) {
    test::AllocationScope scope;
    const auto t0 = std::chrono::steady_clock::now();
    r = decode_stream(begin, end);
    elapsed += std::chrono::steady_clock::now() - t0;
    allocations += scope.count();
    benchmark::DoNotOptimize(r);
  }
  if (r.checksum != expected || r.messages != s.messages || r.rejected != 0) {
    state.SkipWithError("checksum mismatch: a field was read wrong or not at all");
    return;
  }
  state.counters["messages"] = static_cast<double>(s.messages);
  state.counters["msgs_per_s"] =
      benchmark::Counter(static_cast<double>(s.messages), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["ns_per_msg"] =
      static_cast<double>(elapsed.count()) / (static_cast<double>(state.iterations()) * static_cast<double>(s.messages));
  state.counters["allocations"] = static_cast<double>(allocations);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.bytes.size()));
}
BENCHMARK(BM_DecodeAllFields)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace tickwire::bench

int main(int argc, char** argv) { return tickwire::bench::run_benchmarks(argc, argv); }
