// The whole data path on an in-memory BinaryFILE of a generated day: decode + book alone,
// then with the stage pipeline inline, then with the RX core routing events to one worker
// thread on the other core (per-class rings, scheduler, detector). Unpaced runs give
// ns/message; paced runs (a producer on the RX core releasing each message at its intended
// arrival time, which is the latency's start, so stalls are counted) give end-to-end
// latency from intended arrival to the message retired on the worker.
//
//   tickwire bench pipeline [--messages N] [--live-orders N] [--paced-messages N]
//                           [--rates 1000000,5000000] [--repeat N] [INPUT]
// The unpaced modes run --repeat times, interleaved, and their medians are compared;
// --rates none runs only those.
// Last, at the first rate: critical-class latency unloaded, then while low-class work costs
// twice what the worker can do (low is shed when its ring is full, as live), without and with
// the stage's skip_low overrun policy.
#include "controlplane/bench/pipeline_bench.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/bench/bench_feed.h"
#include "controlplane/bench/core_to_core.h"
#include "controlplane/bench/output_drain.h"
#include "controlplane/bench/overload_bench.h"
#include "controlplane/bench/platform_jitter.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/events/classification.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/sched/worker.h"
#include "dataplane/stages/inline_pipeline.h"
#include "dataplane/stages/price_move_detector.h"

namespace tickwire::bench {
namespace {

struct EventChecksum {
  std::uint64_t sum = 0;
  void operator()(const events::Event& e) noexcept { sum += e.price + e.quantity + e.instrument; }
};

struct NullSignals final : stages::SignalSink {
  std::uint64_t count = 0;
  void emit(const stages::Signal&) noexcept override { ++count; }
};

// As `replay` hands the builder's messages to its pipeline (session::EventTap), journal aside.
struct InlineSink {
  stages::InlinePipeline& pipeline;
  void message(std::span<const events::Event> m) noexcept { pipeline.message(m); }
};
static_assert(events::MessageSink<InlineSink>);

double run_book(const BenchStream& stream, const FeedPlan& plan) {
  book::BookStore store;
  std::string error;
  if (!store.init(bench_book_config(), error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 0.0;
  }
  EventChecksum sink;
  book::BookCounters counters;
  book::BookBuilder<EventChecksum> builder(store, sink, counters, 0);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t n = feed(stream, builder, plan, [] {});
  const double s = seconds_since(t0);
  std::printf("decode+book        messages=%" PRIu64 " ns_per_msg=%.1f msgs_per_s=%.3gM peak_live_orders=%zu\n", n,
              s * 1e9 / static_cast<double>(n), static_cast<double>(n) / s / 1e6, store.peak_orders());
  return s * 1e9 / static_cast<double>(n);
}

double run_inline(const BenchStream& stream, const FeedPlan& plan) {
  const std::uint64_t rate = plan.rate;
  const metrics::TscClock& clock = plan.clock;
  book::BookStore store;
  std::string error;
  if (!store.init(bench_book_config(), error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 0.0;
  }
  stages::PriceMoveDetector detector(stages::PriceMoveConfig{});
  NullSignals signals;
  stages::InlinePipeline pipeline(signals, clock);
  (void)pipeline.add(detector, 0);
  InlineSink sink{pipeline};
  book::BookCounters counters;
  book::BookBuilder<InlineSink> builder(store, sink, counters, 0);
  metrics::LatencyHistogram latency;  // intended arrival to the message's stages done
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t n = feed(stream, builder, plan, [] {}, rate != 0 ? &latency : nullptr);
  const double s = seconds_since(t0);
  std::printf("inline  rate=%-8" PRIu64 " messages=%" PRIu64 " ns_per_msg=%.1f msgs_per_s=%.3gM signals=%" PRIu64
              "\n",
              rate, n, s * 1e9 / static_cast<double>(n), static_cast<double>(n) / s / 1e6, signals.count);
  report_latency("all", latency);
  return s * 1e9 / static_cast<double>(n);
}

double run_worker(const BenchStream& stream, const FeedPlan& plan) {
  const std::uint64_t rate = plan.rate;
  const metrics::TscClock& clock = plan.clock;
  book::BookStore store;
  std::string error;
  if (!store.init(bench_book_config(), error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 0.0;
  }
  sched::WorkerConfig config;
  // The paced producer stamps each message's intended arrival as its receive time.
  const metrics::ArrivalSchedule arrival = metrics::ArrivalSchedule::as_received();
  config.arrival = &arrival;
  config.scheduler.max_instruments = static_cast<std::uint32_t>(bench_book_config().max_instruments);
  sched::RxProgress progress;
  sched::Worker worker(config, progress, clock);
  stages::PriceMoveDetector detector(stages::PriceMoveConfig{});
  (void)worker.pipeline().add(detector, 0);
  sched::Worker* const workers[] = {&worker};
  const events::ClassificationTable table(events::ClassificationRules{}, config.scheduler.max_instruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier(config.scheduler.max_instruments);
  sched::EventRouter router(workers, classifier, published, progress);
  book::BookCounters counters;
  book::BookBuilder<sched::EventRouter> builder(store, router, counters, 0);
  OutputDrain drain(worker);
  std::uint64_t worker_span = 0;  // TSC ticks in its loop: polls and what lies between them
  std::thread thread([&] {
    (void)pin_to_cpu(1);
    const std::uint64_t begin = metrics::TscClock::now();
    sched::run_until_drained(worker, progress);
    worker_span = metrics::TscClock::now() - begin;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t n = feed(stream, builder, plan, [&] { router.publish(); });
  const double rx_seconds = seconds_since(t0);
  router.finish();
  thread.join();
  const double s = seconds_since(t0);
  const std::uint64_t signals = drain.stop();
  std::uint64_t shed = 0;
  std::uint64_t waits = 0;
  for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
    shed += worker.inbox().counters().shed_ring_full[c].load();
    waits += worker.inbox().counters().full_waits[c].load();
  }
  std::printf("worker  rate=%-8" PRIu64 " messages=%" PRIu64 " ns_per_msg=%.1f msgs_per_s=%.3gM signals=%" PRIu64
              " shed=%" PRIu64 " rx_waits=%" PRIu64 "\n",
              rate, n, s * 1e9 / static_cast<double>(n), static_cast<double>(n) / s / 1e6, signals, shed, waits);
  const sched::WorkerStats& ws = worker.stats();
  std::uint64_t ran = 0;  // messages the worker ran (those that routed no event never reach it)
  for (const std::uint64_t m : worker.scheduler_stats().messages) ran += m;
  std::printf("  rx core ns_per_msg=%.1f (its own loop, until the last message was pushed); worker busy %.0f%%,"
              " %.1f messages per busy poll, busy ns_per_msg=%.1f\n",
              rx_seconds * 1e9 / static_cast<double>(n),
              100.0 * static_cast<double>(ws.busy_cycles) / static_cast<double>(std::max<std::uint64_t>(1, worker_span)),
              static_cast<double>(ran) / static_cast<double>(std::max<std::uint64_t>(1, ws.busy_polls)),
              static_cast<double>(clock.to_ns(ws.busy_cycles)) / static_cast<double>(std::max<std::uint64_t>(1, ran)));
  metrics::LatencyHistogram all;
  for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
    report_latency(std::string(sched::kPriorityClassNames[c]).c_str(), worker.stats().end_to_end[c]);
    all.merge(worker.stats().end_to_end[c]);
  }
  report_latency("all", all);
  return s * 1e9 / static_cast<double>(n);
}

}  // namespace

constexpr std::uint64_t kJitterSampleNs = 1'000'000'000;
constexpr std::uint64_t kCoreToCoreRoundTrips = 200'000;

bool run_pipeline_bench(const BenchStream& stream, const PipelineBenchOptions& options) {
  (void)pin_to_cpu(0);
  const auto clock = metrics::TscClock::calibrate();
  std::printf("stream: %" PRIu64 " messages, %.1f MiB, prefetch %s\n", stream.messages,
              static_cast<double>(stream.bytes.size()) / (1 << 20), options.prefetch ? "on" : "off");
  // What each line the RX core hands the worker costs on this machine, before any figure
  // that depends on it.
  if (const auto ns = measure_core_to_core_ns(0, 1, kCoreToCoreRoundTrips)) {
    std::printf("platform core_to_core cpus=0,1 one_way_ns=%.1f\n", *ns);
  }
  const FeedPlan unpaced{UINT64_MAX, 0, options.prefetch, clock};
  // Interleaved, so a slow spell of a shared machine weighs on every mode alike.
  std::vector<double> book_ns;
  std::vector<double> inline_ns;
  std::vector<double> worker_ns;
  // A run that could not start (its books did not fit) returns 0 and ends the bench: a
  // median over what remains would compare different numbers of runs.
  for (unsigned r = 0; r < std::max(1u, options.repeat); ++r) {
    book_ns.push_back(run_book(stream, unpaced));
    inline_ns.push_back(run_inline(stream, unpaced));
    worker_ns.push_back(run_worker(stream, unpaced));
    if (book_ns.back() <= 0 || inline_ns.back() <= 0 || worker_ns.back() <= 0) return false;
  }
  const double book = median(book_ns);
  std::printf("unpaced medians of %zu: decode+book ns_per_msg=%.1f inline=%.1f (%.2fx) worker=%.1f (%.2fx)\n",
              book_ns.size(), book, median(inline_ns), median(inline_ns) / book, median(worker_ns),
              median(worker_ns) / book);
  if (!options.rates.empty()) {
    // The floor under the paced latencies: what each core loses to the platform.
    for (const int cpu : {0, 1}) {
      if (pin_to_cpu(cpu)) print_jitter(stdout, "platform", measure_platform_jitter(clock, kJitterSampleNs));
    }
    (void)pin_to_cpu(0);
  }
  for (const std::uint64_t rate : options.rates) {
    const FeedPlan paced{options.paced_messages, rate, options.prefetch, clock};
    if (run_inline(stream, paced) <= 0 || run_worker(stream, paced) <= 0) return false;
  }
  if (!options.rates.empty()) {
    // Critical latency, unloaded and with low work costing twice what the worker can do.
    const FeedPlan overload{options.paced_messages, options.rates.front(), options.prefetch, clock};
    const OverloadResult unloaded = run_low_overload(stream, overload, OverloadOptions{});
    if (!unloaded.ran) return false;
    if (unloaded.low_fraction > 0) {
      OverloadOptions loaded;
      loaded.low_cost_ns =
          static_cast<std::uint64_t>(2e9 / (static_cast<double>(overload.rate) * unloaded.low_fraction));
      if (!run_low_overload(stream, overload, loaded).ran) return false;
      loaded.skip_low = true;
      if (!run_low_overload(stream, overload, loaded).ran) return false;
      // The automatic answer: a system breaker sheds low work at the router once any ring is
      // 0.25% full (a queue a critical message of the same instrument could wait behind), and
      // looks again once it is below 0.05%.
      loaded.skip_low = false;
      loaded.breaker_trip_percent = 0.25;
      loaded.breaker_clear_percent = 0.05;
      if (!run_low_overload(stream, overload, loaded).ran) return false;
    }
  }
  std::printf("peak_rss_MiB=%.0f\n", peak_rss_mib());
  return true;
}

}  // namespace tickwire::bench
