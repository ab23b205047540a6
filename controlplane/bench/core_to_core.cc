#include "controlplane/bench/core_to_core.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "controlplane/bench/bench_stream.h"
#include "dataplane/core/cache.h"
#include "dataplane/core/cpu_relax.h"

namespace tickwire::bench {
namespace {

// Each side writes only its own line and polls the other's.
struct alignas(kCacheLine) Line {
  std::atomic<std::uint64_t> value{0};
};

// Spins until `line` holds `value`; yields now and then, so a machine where both threads
// ended up on one CPU still finishes.
void wait_for(const Line& line, std::uint64_t value) noexcept {
  for (std::uint32_t spins = 1; line.value.load(std::memory_order_acquire) != value; ++spins) {
    cpu_relax();
    if (spins % 4096 == 0) std::this_thread::yield();
  }
}

constexpr std::uint64_t kBatch = 1'000;

}  // namespace

std::optional<double> measure_core_to_core_ns(int cpu_a, int cpu_b, std::uint64_t round_trips) {
  const std::uint64_t batches = std::max<std::uint64_t>(1, round_trips / kBatch);
  const std::uint64_t total = batches * kBatch;
  Line ping;
  Line pong;
  std::atomic<bool> pinned{false};
  std::atomic<bool> ready{false};
  std::thread other([&] {
    pinned.store(pin_to_cpu(cpu_b), std::memory_order_release);
    ready.store(true, std::memory_order_release);
    if (!pinned.load(std::memory_order_relaxed)) return;
    for (std::uint64_t i = 1; i <= total; ++i) {
      wait_for(ping, i);
      pong.value.store(i, std::memory_order_release);
    }
  });
  while (!ready.load(std::memory_order_acquire)) std::this_thread::yield();
  if (!pinned.load(std::memory_order_acquire) || !pin_to_cpu(cpu_a)) {
    // The other thread has returned or waits for pings that will not come: let it finish.
    if (pinned.load(std::memory_order_acquire)) {
      for (std::uint64_t i = 1; i <= total; ++i) {
        ping.value.store(i, std::memory_order_release);
        wait_for(pong, i);
      }
    }
    other.join();
    return std::nullopt;
  }
  std::vector<double> one_way;
  one_way.reserve(batches);
  std::uint64_t i = 0;
  for (std::uint64_t b = 0; b < batches; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t k = 0; k < kBatch; ++k) {
      ++i;
      ping.value.store(i, std::memory_order_release);
      wait_for(pong, i);
    }
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    one_way.push_back(ns / static_cast<double>(2 * kBatch));
  }
  other.join();
  std::nth_element(one_way.begin(), one_way.begin() + static_cast<std::ptrdiff_t>(one_way.size() / 2), one_way.end());
  return one_way[one_way.size() / 2];
}

}  // namespace tickwire::bench
