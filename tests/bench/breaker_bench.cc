// What a feed's stream breakers cost per message while closed: StreamBreakers::message on
// messages 50 us apart (20,000 a second, below the trip), against the same loop without it.
//
//   build/tests/breaker_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <vector>

#include "dataplane/breakers/stream_breakers.h"

namespace tickwire::bench {
namespace {

constexpr std::uint64_t kOpen = 34'200'000'000'000;  // 09:30, ns since midnight
constexpr std::uint64_t kGapNs = 50'000;

void loop(benchmark::State& state, breakers::StreamBreakers* b) {
  std::vector<events::Event> message(1);
  std::uint64_t i = 0, posted = 0;
  for (auto _ : state) {
    ++i;
    message[0].sequence = i;
    message[0].exchange_time_ns = kOpen + i * kGapNs;
    if (b != nullptr) b->message(std::span<const events::Event>(message), [&](const feed::FeedAlert&) { ++posted; });
    benchmark::DoNotOptimize(message.data());
    benchmark::ClobberMemory();
  }
  if (posted != 0) state.SkipWithError("a closed breaker moved");
}

void BM_NoBreaker(benchmark::State& state) { loop(state, nullptr); }

void BM_StormBreakerClosed(benchmark::State& state) {
  breakers::BreakerSpec storm;
  storm.name = "storm";
  storm.trip = 80'000;
  storm.clear = 40'000;
  storm.window_ns = 50'000'000;
  breakers::StreamBreakers b({storm});
  loop(state, &b);
}

BENCHMARK(BM_NoBreaker);
BENCHMARK(BM_StormBreakerClosed);

}  // namespace
}  // namespace tickwire::bench

BENCHMARK_MAIN();
