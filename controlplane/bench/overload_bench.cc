#include "controlplane/bench/overload_bench.h"

#include <atomic>
#include <span>
#include <string>
#include <thread>

#include "controlplane/bench/output_drain.h"
#include "dataplane/breakers/machine_breakers.h"
#include "dataplane/events/classification.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/sched/worker.h"
#include "dataplane/stages/stage.h"

namespace tickwire::bench {

namespace {

struct SpinOnLow final : stages::Stage {
  std::uint64_t cost_ns = 0;
  bool signal_each = false;
  metrics::TscClock clock;
  explicit SpinOnLow(metrics::TscClock c) : clock(c) {}
  std::string_view name() const noexcept override { return "spin_on_low"; }
  bool process(std::span<const events::Event> m, stages::SignalSink& signals) noexcept override {
    for (const events::Event& e : m) {
      if (e.kind == events::EventKind::kTopOfBook) return true;  // a critical message
    }
    if (signal_each) {
      stages::Signal s{};
      s.sequence = m.back().sequence;
      s.event_index = m.back().event_index;
      s.instrument = m.back().instrument;
      signals.emit(s);
    }
    if (cost_ns == 0) return true;
    const std::uint64_t until = clock.to_ns(metrics::TscClock::now()) + cost_ns;
    while (clock.to_ns(metrics::TscClock::now()) < until) cpu_relax();
    return true;
  }
};

}  // namespace

OverloadResult run_low_overload(const BenchStream& stream, const FeedPlan& plan, const OverloadOptions& options) {
  OverloadResult result;
  const metrics::TscClock& clock = plan.clock;
  book::BookStore store;
  std::string error;
  if (!store.init(bench_book_config(), error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return result;
  }
  sched::WorkerConfig config;
  const metrics::ArrivalSchedule arrival = metrics::ArrivalSchedule::as_received();
  config.arrival = &arrival;
  config.scheduler.max_instruments = static_cast<std::uint32_t>(bench_book_config().max_instruments);
  const std::size_t critical = sched::index_of(sched::PriorityClass::kCritical);
  const std::size_t low = sched::index_of(sched::PriorityClass::kLow);
  config.inbox.when_full[low] = sched::FullPolicy::kShed;
  config.inbox.capacity[critical] = options.critical_events;
  config.inbox.capacity[low] = options.low_events;
  config.output_capacity = options.output_records;
  sched::RxProgress progress;
  sched::Worker worker(config, progress, clock);
  SpinOnLow spin(clock);
  spin.cost_ns = options.low_cost_ns;
  spin.signal_each = options.signal_each_low;
  // skip_low: a budget the spinning calls overrun; over it, low messages bypass the stage.
  if (options.skip_low) {
    (void)worker.pipeline().add(spin, options.low_cost_ns / 2, stages::OverrunPolicy::kSkipLow);
  } else {
    (void)worker.pipeline().add(spin, 0);
  }
  sched::Worker* const workers[] = {&worker};
  events::ClassificationRules rules;
  rules.by_kind.fill(sched::PriorityClass::kLow);
  rules.by_kind[static_cast<std::size_t>(events::EventKind::kTopOfBook)] = sched::PriorityClass::kCritical;
  rules.deep_level = sched::PriorityClass::kLow;
  rules.jump_basis_points = 0;
  rules.withdrawal_percent = 0;
  const events::ClassificationTable table(rules, config.scheduler.max_instruments);
  std::atomic<const events::ClassificationTable*> published{&table};
  events::Classifier classifier(config.scheduler.max_instruments);
  sched::EventRouter router(workers, classifier, published, progress);
  std::vector<breakers::BreakerSpec> specs;
  if (options.breaker_trip_percent > 0) {
    breakers::BreakerSpec ring;
    ring.name = "ring";
    ring.trigger = breakers::Trigger::kRingFill;
    ring.trip = options.breaker_trip_percent;
    ring.clear = options.breaker_clear_percent;
    ring.steps[0] = breakers::Step::kShedLow;
    ring.step_count = 1;
    specs.push_back(ring);
  }
  breakers::MachineBreakers machine(specs);
  if (!machine.empty()) {
    router.run_machine_breakers(
        machine, [](void* count, const feed::FeedAlert&) { ++*static_cast<std::uint64_t*>(count); },
        &result.breaker_transitions);
  }
  book::BookCounters counters;
  book::BookBuilder<sched::EventRouter> builder(store, router, counters, 0);
  OutputDrain drain(worker);
  // Aging here runs on the wall clock, not on the RX core's progress as in the product loop:
  // under this overload the RX core can wait for room in a ring, its progress clock then
  // stands still, and the waits aging bounds would stop growing while they go on.
  std::thread thread([&] {
    (void)pin_to_cpu(1);
    while (!worker.drained()) (void)worker.poll(clock.to_ns(metrics::TscClock::now()));
  });
  result.messages = feed(stream, builder, plan, [&] { router.publish(); });
  router.finish();
  thread.join();
  result.outputs = drain.stop();
  const auto& ic = worker.inbox().counters();
  result.low_shed = ic.shed_ring_full[low].load();
  result.breaker_shed = router.stats().breaker_shed[low];
  // Units, as the rings shed them (almost every message is one unit).
  const std::uint64_t low_units = worker.scheduler_stats().units[low] + result.low_shed + result.breaker_shed;
  result.low_fraction =
      result.messages == 0 ? 0.0 : static_cast<double>(low_units) / static_cast<double>(result.messages);
  result.critical = worker.stats().end_to_end[critical];
  result.low = worker.stats().end_to_end[low];
  result.ran = true;
  if (options.print) {
    const char* policy = !machine.empty() ? "breaker" : options.skip_low ? "skip_low" : "count";
    std::printf("overload rate=%-8" PRIu64 " low_cost_ns=%-6" PRIu64 " policy=%-8s messages=%" PRIu64
                " low_shed=%" PRIu64 " low_run=%" PRIu64 " low_aged=%" PRIu64 " low_skipped=%" PRIu64
                " breaker_shed=%" PRIu64 " breaker_transitions=%" PRIu64 " critical_waits=%" PRIu64 "\n",
                plan.rate, options.low_cost_ns, policy, result.messages, result.low_shed,
                worker.scheduler_stats().units[low], worker.scheduler_stats().aged[low],
                worker.pipeline().slots()[0].skipped, result.breaker_shed, result.breaker_transitions,
                ic.full_waits[critical].load());
    report_latency("critical", result.critical);
    report_latency("low", result.low);
  }
  return result;
}

}  // namespace tickwire::bench
