// The control plane's side of the workers' output rings: records come in the order each
// worker ran its messages (priority order), and leave in (feed sequence, event index)
// order, the journal's, whatever the number of workers. A record is released once every
// worker's watermark is past its sequence: no worker can still produce anything before it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/sched/worker.h"

namespace tickwire::runtime {

class OutputMerger {
 public:
  explicit OutputMerger(std::span<sched::Worker* const> workers) : workers_(workers) { heap_.reserve(1 << 16); }

  // Takes in what the workers have published and hands `emit(const OutputRecord&)` every
  // record that can no longer be preceded. `final`: the workers are drained; release all.
  template <class Emit>
  std::size_t drain(Emit&& emit, bool final = false) {
    // The watermarks first: the outputs they vouch for were published before them.
    std::uint64_t watermark = UINT64_MAX;
    for (sched::Worker* w : workers_) watermark = std::min(watermark, w->retired_before());
    for (sched::Worker* w : workers_) {
      sched::SpscRing<sched::OutputRecord>& ring = w->output();
      // What is there now, not what keeps coming: the watermark above is only that fresh.
      const std::size_t available = ring.readable();
      const std::size_t first = ring.read_position();
      for (std::size_t i = 0; i < available; ++i) {
        heap_.push_back(ring.at_position(first + i));
        std::push_heap(heap_.begin(), heap_.end(), later);
      }
      ring.pop(available);
    }
    std::size_t released = 0;
    while (!heap_.empty() && (final || heap_.front().sequence() < watermark)) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      emit(heap_.back());
      heap_.pop_back();
      ++released;
    }
    high_water_ = std::max(high_water_, heap_.size());
    return released;
  }

  [[nodiscard]] std::size_t held() const noexcept { return heap_.size(); }
  [[nodiscard]] std::size_t high_water() const noexcept { return high_water_; }

 private:
  static bool later(const sched::OutputRecord& a, const sched::OutputRecord& b) noexcept { return b < a; }

  std::span<sched::Worker* const> workers_;
  std::vector<sched::OutputRecord> heap_;
  std::size_t high_water_ = 0;
};

}  // namespace tickwire::runtime
