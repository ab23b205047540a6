#include "controlplane/report/session_report.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cinttypes>
#include <memory>


namespace tickwire::report {

void PipelineTotals::add(const stages::InlinePipeline& p) {
  const auto slots = p.slots();
  if (stages.size() < slots.size()) stages.resize(slots.size());
  for (std::size_t i = 0; i < slots.size(); ++i) {
    StageTotals& t = stages[i];
    t.name = slots[i].stage->name();
    t.budget_ns = slots[i].budget_ns;
    t.calls += slots[i].calls;
    t.overruns += slots[i].overruns;
    t.skipped += slots[i].skipped;
    t.degraded_calls += slots[i].degraded_calls;
    t.failures += slots[i].failures;
    t.cost.merge(slots[i].cost);
  }
  message_cost.merge(p.message_cost());
  events += p.events();
}


void add_stages(Figures& out, const PipelineTotals& totals) {
  for (const StageTotals& s : totals.stages) {
    const std::string prefix = "stage." + s.name + ".";
    out.add(prefix + "calls", s.calls);
    out.add(prefix + "overruns", s.overruns);
    out.add(prefix + "skipped", s.skipped);
    out.add(prefix + "degraded_calls", s.degraded_calls);
    out.add(prefix + "failures", s.failures);
    out.add(prefix + "budget_ns", s.budget_ns);
    out.add_histogram(prefix + "cost", s.cost);
  }
}

void add_workers(Figures& out, std::span<sched::Worker* const> workers, const sched::RouterStats& router,
                 std::size_t merge_high_water) {
  out.add("router.messages", router.messages);
  out.add("router.full_waits", router.full_waits);
  out.add("router.dropped.too_many_events", router.too_large);
  out.add("router.dropped.sequence_out_of_range", router.sequence_out_of_range);
  for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
    out.add("router.breaker_shed." + std::string(sched::kPriorityClassNames[c]), router.breaker_shed[c]);
  }
  out.add("router.sessions_after_first", router.sessions);
  out.add("merge.held_high_water", merge_high_water);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const std::string prefix = "worker" + std::to_string(w) + ".";
    const sched::WorkerStats& ws = workers[w]->stats();
    const sched::SchedulerStats& ss = workers[w]->scheduler_stats();
    const sched::InboxCounters& ic = workers[w]->inbox().counters();
    out.add(prefix + "polls", ws.polls);
    out.add(prefix + "busy_polls", ws.busy_polls);
    out.add(prefix + "output_waits", ws.output_waits);
    out.add(prefix + "busy_cycles", ws.busy_cycles);
    out.add(prefix + "idle_cycles", ws.idle_cycles);
    out.add_percent(prefix + "busy_percent", ws.busy_cycles, ws.busy_cycles + ws.idle_cycles);
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      const std::string cls = prefix + std::string(sched::kPriorityClassNames[c]) + ".";
      out.add(cls + "queued", ic.queued[c].load(std::memory_order_relaxed));
      out.add(cls + "shed.ring_full", ic.shed_ring_full[c].load(std::memory_order_relaxed));
      out.add(cls + "full_waits", ic.full_waits[c].load(std::memory_order_relaxed));
      out.add(cls + "messages", ss.messages[c]);
      out.add(cls + "units", ss.units[c]);
      out.add(cls + "aged", ss.aged[c]);
      out.add(cls + "run_early", ss.run_early[c]);
      out.add(cls + "ring_high_water", ss.high_water[c]);
    }
  }
}

bool write_percentile_file(const std::string& path, const metrics::LatencyHistogram& h) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
  if (!file) {
    std::perror(("tickwire: " + path).c_str());
    return false;
  }
  h.write_percentile_distribution(file.get());
  return std::fflush(file.get()) == 0 && std::ferror(file.get()) == 0;
}

std::uint64_t current_rss_kib() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const bool read = std::fscanf(f, "%llu %llu", &size, &resident) == 2;
  std::fclose(f);
  return read ? resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) / 1024 : 0;
}

std::uint64_t peak_rss_kib() {
  rusage usage{};
  return getrusage(RUSAGE_SELF, &usage) == 0 ? static_cast<std::uint64_t>(usage.ru_maxrss) : 0;
}

}  // namespace tickwire::report
