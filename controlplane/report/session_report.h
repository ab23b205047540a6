// The figures of a pipeline session: stage costs summed over every pipeline instance, the
// workers' figures, HdrHistogram files, peak RSS.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "controlplane/report/figures.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/sched/worker.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::report {

// The stages' figures summed over every pipeline instance (one per worker).
struct StageTotals {
  std::string name;
  std::uint64_t budget_ns = 0;
  std::uint64_t calls = 0;
  std::uint64_t overruns = 0;
  std::uint64_t skipped = 0;
  std::uint64_t degraded_calls = 0;
  std::uint64_t failures = 0;
  metrics::LatencyHistogram cost;
};

// They outlive the instances.
struct PipelineTotals {
  std::vector<StageTotals> stages;
  metrics::LatencyHistogram message_cost;
  std::uint64_t events = 0;
  void add(const stages::InlinePipeline& p);
};

// Each stage's calls, overruns, skips, degraded calls, failures and budget, and its cost.
void add_stages(Figures& out, const PipelineTotals& totals);
// The router; per worker and class: queued, shed, full waits, run, aged, run early, ring
// high water; busy and idle cycles.
void add_workers(Figures& out, std::span<sched::Worker* const> workers, const sched::RouterStats& router,
                 std::size_t merge_high_water);
// HdrHistogram's percentile-distribution text, for its plotter. False (and a message) on failure.
bool write_percentile_file(const std::string& path, const metrics::LatencyHistogram& h);
[[nodiscard]] std::uint64_t peak_rss_kib();
// Resident now (/proc/self/statm), KiB; 0 when it cannot be read.
[[nodiscard]] std::uint64_t current_rss_kib();

}  // namespace tickwire::report
