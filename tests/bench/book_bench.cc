// Decode + book + event emission on an in-memory BinaryFILE of a generated day with a large
// live-order population. Start-up (reserving and pre-touching the pools) is timed apart.
//
//   build/tests/book_bench --messages=10000000 --live-orders=1200000 [--benchmark_repetitions=3]
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>

#include "dataplane/book/book_builder.h"
#include "dataplane/itch/decoder.h"
#include "tests/bench/bench_streams.h"
#include "tests/support/alloc_counter.h"

namespace tickwire::bench {
namespace {

// Reads what a consumer would read of each event, so emission cannot be optimised away.
struct EventChecksum {
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  void operator()(const events::Event& e) noexcept {
    sum += e.price + e.quantity + e.instrument + static_cast<std::uint64_t>(e.kind);
    ++count;
  }
};

// TW_NO_PREFETCH=1 runs without the prefetch pipeline, to measure what it buys.
const bool g_prefetch = std::getenv("TW_NO_PREFETCH") == nullptr;

void BM_DecodeBookEvents(benchmark::State& state) {
  const BenchStream& s = bench_stream();
  const std::uint8_t* begin = s.bytes.data();
  const std::uint8_t* end = begin + s.bytes.size();
  std::chrono::nanoseconds elapsed{0};
  std::chrono::nanoseconds startup{0};
  std::uint64_t allocations = 0;
  std::uint64_t page_faults = 0;
  std::size_t peak_orders = 0;
  std::size_t peak_levels = 0;
  std::size_t reserved = 0;
  book::BookCounters last{};
  for (auto _ : state) {
    state.PauseTiming();
    const auto s0 = std::chrono::steady_clock::now();
    book::BookConfig config;
    config.max_orders = 2'000'000;
    config.max_levels = 1'000'000;
    config.prefault = true;
    config.huge_pages = true;
    book::BookStore store;
    std::string error;
    if (!store.init(config, error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    startup += std::chrono::steady_clock::now() - s0;
    EventChecksum sink;
    book::BookCounters counters;
    book::BookBuilder<EventChecksum> builder(store, sink, counters, 0);
    feed::MessageContext ctx;
    state.ResumeTiming();

    test::AllocationScope scope;
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t sequence = 0;
    // A software pipeline over the stream: while message i is applied, message i + kFar gets
    // its first prefetch stage, message i + kNear its second and message i + kClose its third.
    constexpr std::size_t kFar = 16;
    constexpr std::size_t kNear = 8;
    constexpr std::size_t kClose = 4;
    constexpr std::size_t kRing = 32;
    const std::uint8_t* at[kRing];
    std::size_t len[kRing];
    std::size_t read = 0;
    const std::uint8_t* p = begin;
    auto fill_to = [&](std::size_t count) {
      while (read < count && end - p >= 2) {
        const std::size_t n = (std::size_t{p[0]} << 8) | p[1];
        at[read % kRing] = p + 2;
        len[read % kRing] = n;
        ++read;
        p += 2 + n;
        if (g_prefetch) {
          const std::size_t j = (read - 1) % kRing;
          itch::decode_message(at[j], len[j], [&](const auto& message) { builder.prefetch(0, message); });
        }
      }
    };
    for (std::size_t i = 0;; ++i) {
      fill_to(i + kFar + 1);
      if (i >= read) break;
      if (g_prefetch && i + kNear < read) {
        const std::size_t j = (i + kNear) % kRing;
        itch::decode_message(at[j], len[j], [&](const auto& message) { builder.prefetch(1, message); });
      }
      if (g_prefetch && i + kClose < read) {
        const std::size_t j = (i + kClose) % kRing;
        itch::decode_message(at[j], len[j], [&](const auto& message) { builder.prefetch(2, message); });
      }
      ctx.sequence = ++sequence;
      itch::decode_message(at[i % kRing], len[i % kRing], [&](const auto& message) { builder(ctx, message); });
    }
    elapsed += std::chrono::steady_clock::now() - t0;
    allocations += scope.count();
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    page_faults += static_cast<std::uint64_t>(after.ru_minflt - before.ru_minflt);
    benchmark::DoNotOptimize(sink.sum);

    state.PauseTiming();
    peak_orders = store.peak_orders();
    peak_levels = store.peak_levels();
    reserved = store.reserved_bytes();
    last = counters;
    state.ResumeTiming();
  }
  const double runs = static_cast<double>(state.iterations());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["messages"] = static_cast<double>(s.messages);
  state.counters["ns_per_msg"] = static_cast<double>(elapsed.count()) / (runs * static_cast<double>(s.messages));
  state.counters["msgs_per_s"] = static_cast<double>(s.messages) * runs / (static_cast<double>(elapsed.count()) / 1e9);
  state.counters["startup_ms"] = static_cast<double>(startup.count()) / runs / 1e6;
  state.counters["peak_live_orders"] = static_cast<double>(peak_orders);
  state.counters["peak_levels"] = static_cast<double>(peak_levels);
  state.counters["events_per_msg"] = static_cast<double>(last.events) / static_cast<double>(s.messages);
  state.counters["peak_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  state.counters["reserved_MiB"] = static_cast<double>(reserved) / (1024.0 * 1024.0);
  state.counters["allocations"] = static_cast<double>(allocations);
  state.counters["page_faults"] = static_cast<double>(page_faults) / runs;
  std::uint64_t anomalies = 0;
  for (auto a : last.anomalies) anomalies += a;
  state.counters["anomalies"] = static_cast<double>(anomalies);
}
BENCHMARK(BM_DecodeBookEvents)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace tickwire::bench

int main(int argc, char** argv) { return tickwire::bench::run_benchmarks(argc, argv); }
