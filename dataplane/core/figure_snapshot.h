// A copy of figures a data-plane core owns (plain counters it alone writes), taken by that
// core at a safe point in its loop when another thread asks for one. The hot counters stay
// plain and unshared (no atomic increment, no line another core reads), and the copy is
// consistent: it is taken between two bursts, never halfway through a message.
//
// One asker (the control-plane thread) and one server (the core). The asker raises a ticket;
// the server, finding a ticket it has not served, fills the copy and publishes the ticket as
// served. The asker reads the copy only once its own ticket is served, and the server writes
// it only for a ticket not yet served, so the two never touch the copy at the same time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <type_traits>

#include "dataplane/core/cache.h"

namespace tickwire {

template <class Figures>
class FigureSnapshot {
  static_assert(std::is_trivially_copyable_v<Figures>, "the copy is plain data");

 public:
  // The server, at a safe point: one relaxed load when nobody asked. `fill(Figures&)`.
  template <class Fill>
  void serve(Fill&& fill) noexcept {
    const std::uint64_t asked = asked_.load(std::memory_order_acquire);
    if (TW_LIKELY(asked == served_.load(std::memory_order_relaxed))) return;
    fill(copy_);
    served_.store(asked, std::memory_order_release);
  }

  // The asker: the figures as of the server's next safe point, or false when the server did
  // not reach one within `wait` (it is stopped or busy; ask again later). `while_waiting()`
  // runs between looks: what the server may be waiting for (the asker's other duties) goes
  // on meanwhile.
  template <class WhileWaiting>
  [[nodiscard]] bool fetch(Figures& out, std::chrono::microseconds wait, WhileWaiting&& while_waiting) {
    const std::uint64_t ticket = ++tickets_;
    asked_.store(ticket, std::memory_order_release);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (served_.load(std::memory_order_acquire) != ticket) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      while_waiting();
    }
    out = copy_;
    return true;
  }
  [[nodiscard]] bool fetch(Figures& out, std::chrono::microseconds wait) {
    return fetch(out, wait, [] { std::this_thread::sleep_for(std::chrono::microseconds(50)); });
  }

 private:
  std::uint64_t tickets_ = 0;  // the asker's own count
  alignas(kCacheLine) std::atomic<std::uint64_t> asked_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> served_{0};
  alignas(kCacheLine) Figures copy_{};
};

}  // namespace tickwire
