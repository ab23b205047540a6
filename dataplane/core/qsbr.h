// Quiescent-state-based reclamation (DPDK's rte_rcu_qsbr) for what the control plane
// publishes to data cores: a data core reports a quiescent state at a safe point of its loop
// (between messages, holding no published pointer); the control plane swaps a pointer, waits
// until every registered core has reported once since, and only then frees the old object.
// Readers pay a load and a store per report, never a lock or an atomic read-modify-write.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include <rte_rcu_qsbr.h>

namespace tickwire {

class QsbrDomain {
 public:
  explicit QsbrDomain(std::uint32_t max_readers) : max_readers_(max_readers) {
    const std::size_t size = rte_rcu_qsbr_get_memsize(max_readers);
    // rte_rcu_qsbr_get_memsize() rounds up to the cache line the struct is aligned to.
    memory_.reset(static_cast<rte_rcu_qsbr*>(std::aligned_alloc(RTE_CACHE_LINE_SIZE, size)));
    if (memory_ && rte_rcu_qsbr_init(memory_.get(), max_readers) != 0) memory_.reset();
  }
  [[nodiscard]] bool ok() const noexcept { return memory_ != nullptr; }
  [[nodiscard]] std::uint32_t max_readers() const noexcept { return max_readers_; }

  // A data core, once, from its own thread before it reads published pointers.
  void join(std::uint32_t reader) noexcept {
    rte_rcu_qsbr_thread_register(memory_.get(), reader);
    rte_rcu_qsbr_thread_online(memory_.get(), reader);
  }
  // A data core that stops reading (leaving, or about to block): not waited for any more.
  void leave(std::uint32_t reader) noexcept {
    rte_rcu_qsbr_thread_offline(memory_.get(), reader);
    rte_rcu_qsbr_thread_unregister(memory_.get(), reader);
  }
  void quiescent(std::uint32_t reader) noexcept { rte_rcu_qsbr_quiescent(memory_.get(), reader); }

  // The control plane: returns once every online reader has been quiescent since the call.
  // (rte_rcu_qsbr_synchronize() does the same out of line; the inline start/check pair keeps
  // the waiting visible to ThreadSanitizer, which does not see into the DPDK library.)
  void synchronize() noexcept {
    const std::uint64_t token = rte_rcu_qsbr_start(memory_.get());
    (void)rte_rcu_qsbr_check(memory_.get(), token, /*wait=*/true);
  }
  // The same in two steps, for a control plane that must not block (it drains the workers'
  // outputs; waiting here could stall the very reader it waits for): start() now, then
  // passed(token) on later turns of its loop until true.
  [[nodiscard]] std::uint64_t start() noexcept { return rte_rcu_qsbr_start(memory_.get()); }
  [[nodiscard]] bool passed(std::uint64_t token) noexcept {
    return rte_rcu_qsbr_check(memory_.get(), token, /*wait=*/false) == 1;
  }

 private:
  struct Free {
    void operator()(rte_rcu_qsbr* p) const noexcept { std::free(p); }
  };
  std::uint32_t max_readers_;
  std::unique_ptr<rte_rcu_qsbr, Free> memory_;
};

// An immutable object the control plane replaces while data cores read it.
template <class T>
class Published {
 public:
  Published(QsbrDomain& domain, std::unique_ptr<const T> initial) : domain_(domain), current_(initial.release()) {}
  // After the readers have stopped.
  ~Published() {
    delete current_.load(std::memory_order_relaxed);
    for (const Retired& r : retired_) delete r.object;
  }
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  // Data core: valid until its next quiescent report.
  [[nodiscard]] const T* read() const noexcept { return current_.load(std::memory_order_acquire); }
  [[nodiscard]] const std::atomic<const T*>& pointer() const noexcept { return current_; }

  // Control plane: publishes `next`, waits out the readers of the old one, frees it.
  void replace(std::unique_ptr<const T> next) {
    const T* old = current_.exchange(next.release(), std::memory_order_acq_rel);
    domain_.synchronize();
    delete old;
  }
  // Control plane, without waiting: publishes `next`; collect() frees the old one later.
  void replace_later(std::unique_ptr<const T> next) {
    const T* old = current_.exchange(next.release(), std::memory_order_acq_rel);
    retired_.push_back({old, domain_.start()});
  }
  // Frees the replaced objects no reader can hold any more; returns how many still wait.
  std::size_t collect() {
    std::erase_if(retired_, [this](const Retired& r) {
      if (!domain_.passed(r.token)) return false;
      delete r.object;
      return true;
    });
    return retired_.size();
  }

 private:
  struct Retired {
    const T* object;
    std::uint64_t token;
  };
  QsbrDomain& domain_;
  std::atomic<const T*> current_;
  std::vector<Retired> retired_;
};

}  // namespace tickwire
