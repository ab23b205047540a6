#include "controlplane/report/session_report.h"

#include <sys/resource.h>

#include <cinttypes>
#include <memory>

#include "controlplane/report/feed_report.h"

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


void print_worker_report(std::FILE* out, std::span<sched::Worker* const> workers, const sched::RouterStats& router,
                         std::size_t merge_high_water) {
  print_report_line(out, "router.messages", router.messages);
  print_report_line(out, "router.full_waits", router.full_waits);
  print_report_line(out, "router.dropped.too_many_events", router.too_large);
  print_report_line(out, "router.dropped.sequence_out_of_range", router.sequence_out_of_range);
  print_report_line(out, "router.sessions_after_first", router.sessions);
  print_report_line(out, "merge.held_high_water", merge_high_water);
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const std::string prefix = "worker" + std::to_string(w) + ".";
    const sched::WorkerStats& ws = workers[w]->stats();
    const sched::SchedulerStats& ss = workers[w]->scheduler_stats();
    const sched::InboxCounters& ic = workers[w]->inbox().counters();
    print_report_line(out, prefix + "polls", ws.polls);
    print_report_line(out, prefix + "busy_polls", ws.busy_polls);
    print_report_line(out, prefix + "output_waits", ws.output_waits);
    print_report_line(out, prefix + "busy_cycles", ws.busy_cycles);
    print_report_line(out, prefix + "idle_cycles", ws.idle_cycles);
    print_report_percent(out, prefix + "busy_percent", ws.busy_cycles, ws.busy_cycles + ws.idle_cycles);
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      const std::string cls = prefix + std::string(sched::kPriorityClassNames[c]) + ".";
      print_report_line(out, cls + "queued", ic.queued[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "shed.ring_full", ic.shed_ring_full[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "full_waits", ic.full_waits[c].load(std::memory_order_relaxed));
      print_report_line(out, cls + "messages", ss.messages[c]);
      print_report_line(out, cls + "units", ss.units[c]);
      print_report_line(out, cls + "aged", ss.aged[c]);
      print_report_line(out, cls + "run_early", ss.run_early[c]);
      print_report_line(out, cls + "ring_high_water", ss.high_water[c]);
    }
  }
}

void print_cost(std::FILE* out, const std::string& name, const metrics::LatencyHistogram& h) {
  std::fprintf(out,
               "%-36s count=%" PRIu64 " p50=%" PRIu64 " p90=%" PRIu64 " p99=%" PRIu64 " p99.9=%" PRIu64
               " p99.99=%" PRIu64 " max=%" PRIu64 " (ns)\n",
               name.c_str(), h.count(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9),
               h.percentile(99.99), h.max());
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

std::uint64_t peak_rss_kib() {
  rusage usage{};
  return getrusage(RUSAGE_SELF, &usage) == 0 ? static_cast<std::uint64_t>(usage.ru_maxrss) : 0;
}

}  // namespace tickwire::report
