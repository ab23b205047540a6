// A worker lcore: drains its inbox in priority order (PriorityScheduler), runs each message
// through its own instances of the configured stages, and hands signals (and retired events,
// for the journal) to the control plane through an output ring. After each pass it publishes
// a watermark: every message it was given below that sequence has run and its output is in
// the ring, which is what lets the control plane merge several workers in sequence order.
//
// Nothing here allocates after construction; a full output ring makes the worker wait (the
// control plane always drains it), so no output is ever lost.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/core/cache.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/metrics/tsc_clock.h"
#include "dataplane/sched/priority_scheduler.h"
#include "dataplane/sched/spsc_ring.h"
#include "dataplane/sched/worker_inbox.h"
#include "dataplane/sched/worker_output.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::sched {

struct WorkerConfig {
  InboxConfig inbox;
  SchedulerConfig scheduler;
  std::size_t output_capacity = 16'384;  // records
  std::size_t messages_per_poll = 32;
  bool retire_events = false;  // hand every event back (for an events journal)
};

struct WorkerStats {
  std::uint64_t polls = 0;
  std::uint64_t busy_polls = 0;     // polls that ran at least one message
  std::uint64_t output_waits = 0;   // times the output ring was full
  std::array<metrics::LatencyHistogram, kPriorityClassCount> queue_wait;  // receive clock, ns
};

class Worker {
 public:
  Worker(const WorkerConfig& config, const RxProgress& rx, metrics::TscClock clock)
      : config_(config),
        rx_(rx),
        inbox_(config.inbox),
        scheduler_(inbox_, config.scheduler),
        output_(config.output_capacity, /*prefault=*/true),
        sink_(*this),
        pipeline_(sink_, clock) {}
  [[nodiscard]] bool ok() const noexcept { return inbox_.ok() && scheduler_.ok() && output_.ok(); }

  [[nodiscard]] WorkerInbox& inbox() noexcept { return inbox_; }
  [[nodiscard]] stages::InlinePipeline& pipeline() noexcept { return pipeline_; }
  [[nodiscard]] SpscRing<OutputRecord>& output() noexcept { return output_; }

  // One pass of the worker's loop; `now_ns` is on the receive clock. Returns messages run.
  std::size_t poll(std::uint64_t now_ns) noexcept {
    const std::uint64_t pushed = rx_.last_pushed_sequence.load(std::memory_order_acquire);
    const std::size_t ran = scheduler_.poll(now_ns, config_.messages_per_poll,
                                            [this](std::span<const events::Event> m, PriorityClass c,
                                                   std::uint64_t waited) { run(m, c, waited); });
    ++stats_.polls;
    if (ran != 0) ++stats_.busy_polls;
    retired_before_.store(scheduler_.retired_before(pushed), std::memory_order_release);
    return ran;
  }

  // Every message below this sequence given to this worker has run, its output published.
  [[nodiscard]] std::uint64_t retired_before() const noexcept {
    return retired_before_.load(std::memory_order_acquire);
  }
  // The RX core has finished and everything it pushed here has run.
  [[nodiscard]] bool drained() const noexcept {
    return rx_.finished.load(std::memory_order_acquire) &&
           retired_before() > rx_.last_pushed_sequence.load(std::memory_order_acquire);
  }

  [[nodiscard]] const WorkerStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const SchedulerStats& scheduler_stats() const noexcept { return scheduler_.stats(); }

 private:
  struct OutputSink final : stages::SignalSink {
    explicit OutputSink(Worker& w) : worker(w) {}
    void emit(const stages::Signal& s) noexcept override {
      OutputRecord r;
      r.signal = s;
      r.kind = OutputKind::kSignal;
      r.order = worker.signals_in_message_++;
      worker.publish(r);
    }
    Worker& worker;
  };

  void run(std::span<const events::Event> message, PriorityClass c, std::uint64_t waited) noexcept {
    stats_.queue_wait[index_of(c)].record(waited);
    if (config_.retire_events) {
      for (const events::Event& e : message) {
        OutputRecord r;
        r.event = e;
        r.kind = OutputKind::kRetiredEvent;
        r.order = e.event_index;
        publish(r);
      }
    }
    signals_in_message_ = 0;
    pipeline_.run_message(message);
  }

  void publish(const OutputRecord& r) noexcept {
    if (TW_LIKELY(output_.try_push(r))) return;
    ++stats_.output_waits;
    while (!output_.try_push(r)) cpu_relax();
  }

  WorkerConfig config_;
  const RxProgress& rx_;
  WorkerInbox inbox_;
  PriorityScheduler scheduler_;
  SpscRing<OutputRecord> output_;
  OutputSink sink_;
  stages::InlinePipeline pipeline_;
  std::uint32_t signals_in_message_ = 0;
  WorkerStats stats_;
  alignas(kCacheLine) std::atomic<std::uint64_t> retired_before_{0};
};

// A worker lcore's loop, until the RX core has finished and everything it was given has run.
// When idle it spins; every so often it yields, for layouts with more threads than cores
// (replay on a small machine); a dedicated data core never has anyone to yield to.
inline void run_until_drained(Worker& worker, const RxProgress& rx) noexcept {
  std::uint32_t idle = 0;
  while (!worker.drained()) {
    if (worker.poll(rx.receive_clock_ns.load(std::memory_order_relaxed)) != 0) {
      idle = 0;
    } else if (++idle % 256 == 0) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
}

}  // namespace tickwire::sched
