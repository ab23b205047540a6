// What the performance guard counts (scripts/perf_guard.sh runs this under callgrind and
// counts only inside the two measured functions): decode + book, and decode + book + the
// inline pipeline with the price-move detector, over a BinaryFILE day applied as `replay`
// applies one (runs of 256 messages with the prefetch hints). Receive times are unknown, as
// in a BinaryFILE, and no stage budget is set, so no decision depends on the clock: the same
// binary counts the same instructions on every run.
//
//   build/tests/instructions_per_message DAY.bin
#include <array>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "controlplane/bench/bench_stream.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/stages/inline_pipeline.h"
#include "dataplane/stages/price_move_detector.h"

namespace tickwire::bench {
namespace {

struct EventChecksum {
  std::uint64_t sum = 0;
  void operator()(const events::Event& e) noexcept { sum = sum * 0x100000001B3ull + e.price + e.quantity; }
};

struct CountingSignals final : stages::SignalSink {
  std::uint64_t count = 0;
  void emit(const stages::Signal&) noexcept override { ++count; }
};

struct PipelineSink {
  stages::InlinePipeline& pipeline;
  void message(std::span<const events::Event> m) noexcept { pipeline.message(m); }
};

constexpr std::size_t kRun = 256;

template <class Builder>
std::uint64_t apply_all(const BenchStream& s, Builder& builder) {
  const std::uint8_t* p = s.bytes.data();
  const std::uint8_t* const end = p + s.bytes.size();
  feed::MessageContext ctx;
  std::array<book::MessageRef, kRun> run;
  std::uint64_t n = 0;
  while (end - p >= 2) {
    std::size_t count = 0;
    while (count < kRun && end - p >= 2) {
      const std::size_t length = (std::size_t{p[0]} << 8) | p[1];
      run[count++] = {p + 2, length};
      p += 2 + length;
    }
    (void)book::apply_prefetched(
        count, [&](unsigned stage, std::size_t i) { builder.prefetch_encoded(stage, run[i]); },
        [&](std::size_t i) {
          ctx.sequence = ++n;
          itch::decode_message(run[i].data, run[i].length, [&](const auto& m) { builder(ctx, m); });
          return true;
        });
  }
  return n;
}

book::BookConfig guard_book_config() {
  book::BookConfig config;
  config.max_orders = 1'000'000;
  config.max_levels = 200'000;
  return config;
}

[[gnu::noinline]] std::uint64_t measured_decode_book(const BenchStream& s, book::BookStore& store,
                                                     std::uint64_t& checksum) {
  EventChecksum sink;
  book::BookCounters counters;
  book::BookBuilder<EventChecksum> builder(store, sink, counters, 0);
  const std::uint64_t n = apply_all(s, builder);
  checksum = sink.sum;
  return n;
}

[[gnu::noinline]] std::uint64_t measured_inline_pipeline(const BenchStream& s, book::BookStore& store,
                                                         stages::InlinePipeline& pipeline) {
  PipelineSink sink{pipeline};
  book::BookCounters counters;
  book::BookBuilder<PipelineSink> builder(store, sink, counters, 0);
  return apply_all(s, builder);
}

}  // namespace
}  // namespace tickwire::bench

int main(int argc, char** argv) {
  using namespace tickwire;
  if (argc != 2) {
    std::fprintf(stderr, "usage: instructions_per_message DAY.bin\n");
    return 2;
  }
  bench::BenchStreamOptions options;
  options.input = argv[1];
  bench::BenchStream stream;
  std::string error;
  if (!bench::load_bench_stream(options, stream, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  book::BookStore decode_store;
  book::BookStore pipeline_store;
  if (!decode_store.init(bench::guard_book_config(), error) || !pipeline_store.init(bench::guard_book_config(), error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  std::uint64_t checksum = 0;
  const std::uint64_t decoded = bench::measured_decode_book(stream, decode_store, checksum);
  stages::PriceMoveDetector detector(stages::PriceMoveConfig{});
  bench::CountingSignals signals;
  stages::InlinePipeline pipeline(signals, metrics::TscClock::from_hz(1'000'000'000));
  (void)pipeline.add(detector, 0);
  const std::uint64_t piped = bench::measured_inline_pipeline(stream, pipeline_store, pipeline);
  std::printf("messages %" PRIu64 " %" PRIu64 " checksum %016" PRIx64 " signals %" PRIu64 "\n", decoded, piped,
              checksum, signals.count);
  return decoded == stream.messages && piped == stream.messages ? 0 : 1;
}
