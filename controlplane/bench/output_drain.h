// Empties a worker's output ring on a thread of its own, as the product's merge thread does.
//
// A worker waits when its output ring is full (no output is ever lost), and the RX core waits
// when a worker's backpressure ring is full. If the RX core were also the one emptying the
// output ring, each would wait for the other: the worker for the RX core to drain, the RX
// core for the worker to take its next message. Only a third thread that waits on neither
// breaks that cycle, so the benchmarks run one, like the product.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "dataplane/sched/worker.h"

namespace tickwire::bench {

class OutputDrain {
 public:
  explicit OutputDrain(sched::Worker& worker) : thread_([this, &worker] { run(worker); }) {}
  ~OutputDrain() { stop(); }
  OutputDrain(const OutputDrain&) = delete;
  OutputDrain& operator=(const OutputDrain&) = delete;

  // Drains until the worker has run everything it was given, then returns the records taken.
  std::uint64_t stop() {
    if (thread_.joinable()) {
      stopping_.store(true, std::memory_order_release);
      thread_.join();
    }
    return records_;
  }

 private:
  void run(sched::Worker& worker) {
    for (;;) {
      // Read before the ring: a worker seen drained has published everything it will.
      const bool done = stopping_.load(std::memory_order_acquire) && worker.drained();
      sched::SpscRing<sched::OutputRecord>& out = worker.output();
      const std::size_t n = out.readable();
      out.pop(n);
      records_ += n;
      if (done) return;
      if (n == 0) std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
  }

  std::atomic<bool> stopping_{false};
  std::uint64_t records_ = 0;  // the drain thread's until stop() returns
  std::thread thread_;
};

}  // namespace tickwire::bench
