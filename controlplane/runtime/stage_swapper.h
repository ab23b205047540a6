// The control plane's side of hot swaps: it builds the new instances (one per worker; this
// thread may allocate), hands them to the RX core, which forwards them in sequence with the
// messages, and frees each version once its worker says no message will run on it again.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dataplane/sched/event_router.h"
#include "dataplane/sched/spsc_ring.h"
#include "dataplane/sched/worker.h"

namespace tickwire::runtime {

class StageSwapper {
 public:
  static constexpr std::size_t kPendingRequests = 16;

  explicit StageSwapper(std::span<sched::Worker* const> workers) : workers_(workers), requests_(kPendingRequests) {}
  // After the workers have stopped: every instance this made is freed, wherever it is (not
  // yet handed over, on its way to a worker, installed, or handed back).
  ~StageSwapper() {
    for (const sched::SwapRequest* r; (r = requests_.front()) != nullptr; requests_.pop()) {
      for (std::size_t w = 0; w < workers_.size(); ++w) delete r->stages[w];
    }
    reclaim();
    for (sched::Worker* w : workers_) {
      for (const sched::StageSwap* s; (s = w->swaps().front()) != nullptr; w->swaps().pop()) delete s->version.stage;
      w->pipeline().for_each_version([](const stages::StageVersion& v) {
        if (v.id != 0) delete v.stage;
      });
    }
  }
  StageSwapper(const StageSwapper&) = delete;
  StageSwapper& operator=(const StageSwapper&) = delete;

  [[nodiscard]] sched::SpscRing<sched::SwapRequest>& requests() noexcept { return requests_; }

  // From the first message at or after `at_sequence` (0: the next one), slot `slot` of
  // worker w runs instances[w]. False (instances untouched): too many requests pending.
  [[nodiscard]] bool request(std::uint32_t slot, std::vector<std::unique_ptr<stages::Stage>>& instances,
                             std::uint64_t at_sequence) {
    if (instances.size() != workers_.size()) return false;
    sched::SwapRequest r;
    r.slot = slot;
    r.version = ++last_version_;
    r.at_sequence = at_sequence;
    for (std::size_t w = 0; w < instances.size(); ++w) r.stages[w] = instances[w].get();
    if (!requests_.try_push(r)) {
      --last_version_;
      return false;
    }
    for (auto& i : instances) (void)i.release();
    ++requested_;
    return true;
  }

  // Frees the versions the workers are done with. The version a pipeline was built with
  // (id 0) belongs to whoever built it.
  std::size_t reclaim() {
    std::size_t freed = 0;
    for (sched::Worker* w : workers_) {
      for (const stages::StageVersion* v; (v = w->reclaim().front()) != nullptr; w->reclaim().pop()) {
        if (v->id != 0) delete v->stage;
        ++freed;
      }
    }
    reclaimed_ += freed;
    return freed;
  }

  [[nodiscard]] std::uint64_t requested() const noexcept { return requested_; }
  [[nodiscard]] std::uint64_t reclaimed() const noexcept { return reclaimed_; }

 private:
  std::span<sched::Worker* const> workers_;
  sched::SpscRing<sched::SwapRequest> requests_;
  std::uint32_t last_version_ = 0;
  std::uint64_t requested_ = 0;
  std::uint64_t reclaimed_ = 0;
};

}  // namespace tickwire::runtime
