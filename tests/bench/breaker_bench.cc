// What a feed's stream breakers cost per message while closed, against the same loop
// without them:
//  - the system message_rate breaker on messages 50 us apart (20,000 a second, below trip);
//  - security breakers (volatility, band, spread, quote_rate, halt) on messages that each
//    move a top of book (a level change and a top: the worst case, where every message is
//    measured), spread over 8,000 instruments whose mids walk a tick at a time.
//
//   build/tests/breaker_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "dataplane/breakers/stream_breakers.h"

namespace tickwire::bench {
namespace {

constexpr std::uint64_t kOpen = 34'200'000'000'000;  // 09:30, ns since midnight
constexpr std::uint64_t kGapNs = 50'000;
constexpr std::uint32_t kInstruments = 8'000;

breakers::BreakerSpec storm() {
  breakers::BreakerSpec s;
  s.name = "storm";
  s.trip = 80'000;
  s.clear = 40'000;
  s.window_ns = 50'000'000;
  return s;
}

void loop(benchmark::State& state, breakers::StreamBreakers* b) {
  std::vector<events::Event> message(1);
  std::uint64_t i = 0, posted = 0;
  for (auto _ : state) {
    ++i;
    message[0].sequence = i;
    message[0].exchange_time_ns = kOpen + i * kGapNs;
    if (b != nullptr) b->message(std::span<events::Event>(message), [&](const feed::FeedAlert&) { ++posted; });
    benchmark::DoNotOptimize(message.data());
    benchmark::ClobberMemory();
  }
  if (posted != 0) state.SkipWithError("a closed breaker moved");
}

void BM_NoBreaker(benchmark::State& state) { loop(state, nullptr); }

void BM_StormBreakerClosed(benchmark::State& state) {
  breakers::StreamBreakers b({storm()}, kInstruments, 64);
  loop(state, &b);
}

// Messages of a level change and a top each, over kInstruments; 1 us apart.
void quotes(benchmark::State& state, breakers::StreamBreakers* b) {
  constexpr std::size_t kMessages = 1 << 16;
  std::mt19937_64 rng(7);
  std::vector<std::uint32_t> mids(kInstruments + 1, 200'000);
  std::vector<std::array<events::Event, 2>> stream(kMessages);
  for (auto& m : stream) {
    const auto instrument = static_cast<std::uint32_t>(1 + rng() % kInstruments);
    mids[instrument] += rng() % 2 == 0 ? 100 : -100;
    m[0] = events::Event{};
    m[0].kind = events::EventKind::kLevelChange;
    m[0].instrument = instrument;
    m[0].price = mids[instrument] - 100;
    m[0].quantity = 300;
    m[1] = m[0];
    m[1].kind = events::EventKind::kTopOfBook;
    m[1].other_price = mids[instrument] + 100;
    m[1].other_quantity = 400;
    m[1].flags = events::kLastInMessage;
  }
  std::uint64_t i = 0, posted = 0;
  for (auto _ : state) {
    auto& m = stream[i % kMessages];
    ++i;
    m[0].sequence = m[1].sequence = i;
    m[0].exchange_time_ns = m[1].exchange_time_ns = kOpen + i * 1'000;
    if (b != nullptr) b->message(std::span<events::Event>(m), [&](const feed::FeedAlert&) { ++posted; });
    benchmark::DoNotOptimize(m.data());
    benchmark::ClobberMemory();
  }
  state.counters["alerts"] = static_cast<double>(posted);
}

void BM_QuotesNoBreaker(benchmark::State& state) { quotes(state, nullptr); }

void BM_QuotesSecurityBreakersClosed(benchmark::State& state) {
  std::vector<breakers::BreakerSpec> specs;
  for (const auto& [name, trigger, trip, clear] :
       {std::tuple{"vol", breakers::Trigger::kVolatility, 12.0, 4.0}, {"band", breakers::Trigger::kBand, 50.0, 25.0},
        {"spread", breakers::Trigger::kSpread, 20.0, 5.0}, {"quotes", breakers::Trigger::kQuoteRate, 1e6, 5e5},
        {"halt", breakers::Trigger::kHalt, 0.5, 0.0}}) {
    breakers::BreakerSpec s;
    s.name = name;
    s.scope = breakers::Scope::kSecurity;
    s.trigger = trigger;
    s.trip = trip;
    s.clear = clear;
    s.window_ns = 1'000'000'000;
    specs.push_back(s);
  }
  breakers::StreamBreakers b(specs, kInstruments, 64);
  quotes(state, &b);
}

BENCHMARK(BM_NoBreaker);
BENCHMARK(BM_StormBreakerClosed);
BENCHMARK(BM_QuotesNoBreaker);
BENCHMARK(BM_QuotesSecurityBreakersClosed);

}  // namespace
}  // namespace tickwire::bench

BENCHMARK_MAIN();
