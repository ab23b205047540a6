// The merge thread's side of the output rings (each worker's, or an inline RX core's):
// records come in the order each producer ran its messages (workers: priority order), and
// leave in (feed sequence, event index) order, the journal's, whatever the number of
// producers. A record is released once every producer's watermark is past its sequence: no
// producer can still produce anything before it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "dataplane/sched/worker.h"

namespace tickwire::runtime {

class OutputMerger {
 public:
  explicit OutputMerger(std::vector<sched::OutputSource> sources) : sources_(std::move(sources)) {
    heap_.reserve(1 << 16);
  }
  explicit OutputMerger(std::span<sched::Worker* const> workers) : OutputMerger(sources_of(workers)) {}

  // Takes in what the workers have published and hands `emit(const OutputRecord&)` every
  // record that can no longer be preceded. `final`: the workers are drained; release all.
  // `limit`: nothing keyed above it goes out yet (what must come before it is not all known:
  // the pattern lines a feed's journal interleaves).
  template <class Emit>
  std::size_t drain(Emit&& emit, bool final = false, std::uint64_t limit = UINT64_MAX) {
    // The watermarks first: the outputs they vouch for were published before them.
    std::uint64_t watermark = UINT64_MAX;
    for (const sched::OutputSource& s : sources_) {
      watermark = std::min(watermark, s.retired_before->load(std::memory_order_acquire));
    }
    for (const sched::OutputSource& s : sources_) {
      sched::SpscRing<sched::OutputRecord>& ring = *s.ring;
      // What is there now, not what keeps coming: the watermark above is only that fresh.
      const std::size_t available = ring.readable();
      const std::size_t first = ring.read_position();
      for (std::size_t i = 0; i < available; ++i) {
        heap_.push_back(ring.at_position(first + i));
        std::push_heap(heap_.begin(), heap_.end(), later);
      }
      ring.pop(available);
    }
    watermark_ = watermark;
    std::size_t released = 0;
    while (!heap_.empty() && (final || heap_.front().sequence() < watermark) && heap_.front().sequence() <= limit) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      emit(heap_.back());
      heap_.pop_back();
      ++released;
    }
    high_water_ = std::max(high_water_, heap_.size());
    return released;
  }

  [[nodiscard]] std::size_t held() const noexcept { return heap_.size(); }
  // The producers' least watermark at the last drain: every record keyed below it had come.
  [[nodiscard]] std::uint64_t watermark() const noexcept { return watermark_; }
  [[nodiscard]] std::size_t high_water() const noexcept { return high_water_; }

 private:
  static bool later(const sched::OutputRecord& a, const sched::OutputRecord& b) noexcept { return b < a; }
  static std::vector<sched::OutputSource> sources_of(std::span<sched::Worker* const> workers) {
    std::vector<sched::OutputSource> sources;
    for (sched::Worker* w : workers) sources.push_back(w->output_source());
    return sources;
  }

  std::vector<sched::OutputSource> sources_;
  std::vector<sched::OutputRecord> heap_;
  std::size_t high_water_ = 0;
  std::uint64_t watermark_ = 0;
};

}  // namespace tickwire::runtime
