#include "controlplane/bench/core_to_core.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "controlplane/bench/bench_stream.h"
#include "dataplane/core/cache.h"
#include "dataplane/core/cpu_relax.h"

namespace tickwire::bench {
namespace {

// Each side writes only its own line, so a hop moves exactly one line. Two lines apart:
// adjacent-line prefetchers fetch lines in pairs, and would carry the other side's line along.
struct alignas(2 * kCacheLine) Line {
  std::atomic<std::uint64_t> value{0};
};

enum class Start : std::uint8_t { kWaiting, kGo, kAbort };

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
  cpu_set_t caller_cpus;
  if (pthread_getaffinity_np(pthread_self(), sizeof(caller_cpus), &caller_cpus) != 0) return std::nullopt;
  if (!pin_to_cpu(cpu_a)) return std::nullopt;
  const std::uint64_t batches = std::max<std::uint64_t>(1, round_trips / kBatch);
  const std::uint64_t total = batches * kBatch;
  Line ping;
  Line pong;
  std::atomic<Start> start{Start::kWaiting};
  std::thread other([&] {
    const bool pinned = pin_to_cpu(cpu_b);
    start.store(pinned ? Start::kGo : Start::kAbort, std::memory_order_release);
    if (!pinned) return;
    for (std::uint64_t i = 1; i <= total; ++i) {
      wait_for(ping, i);
      pong.value.store(i, std::memory_order_release);
    }
  });
  while (start.load(std::memory_order_acquire) == Start::kWaiting) std::this_thread::yield();
  std::vector<double> one_way;
  if (start.load(std::memory_order_acquire) == Start::kGo) {
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
      one_way.push_back(ns / static_cast<double>(2 * kBatch));  // half a round trip
    }
  }
  other.join();
  (void)pthread_setaffinity_np(pthread_self(), sizeof(caller_cpus), &caller_cpus);
  if (one_way.empty()) return std::nullopt;
  return median(std::move(one_way));
}

}  // namespace tickwire::bench
