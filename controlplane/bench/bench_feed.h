// How the pipeline benchmarks feed their stream, as a receive loop would: in runs applied
// with the book builder's prefetch hints, unpaced or paced (each message stamped with its
// intended arrival, where latency starts). Shared by `bench pipeline` and its overload runs.
#pragma once

#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>

#include "controlplane/bench/bench_stream.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/metrics/tsc_clock.h"

namespace tickwire::bench {

inline book::BookConfig bench_book_config() {
  book::BookConfig config;
  config.max_orders = 4'000'000;  // as `bench book`: room for any --live-orders it is run with
  config.max_levels = 1'000'000;
  config.prefault = true;
  config.huge_pages = true;
  return config;
}

// How a run feeds the stream: up to `limit` messages, paced at `rate` messages/s (0: as fast
// as it goes), with or without the book builder's prefetch hints.
struct FeedPlan {
  std::uint64_t limit = UINT64_MAX;
  std::uint64_t rate = 0;
  bool prefetch = true;
  metrics::TscClock clock;
};

// Feeds the stream to `builder` in runs, as a receive loop gets them: unpaced, kRun messages
// at a time; paced, the messages already due when the loop comes round (at least the next,
// waited for), each stamped with its intended arrival as its receive time. Each run is
// applied as `replay` and `run` apply theirs (book::apply_prefetched, unless the plan says
// no). A burst ends (`burst_end()`) when the RX core is about to wait, or unpaced every
// kMessagesPerBurst messages, as a received batch of packets would.
constexpr std::uint64_t kMessagesPerBurst = 8;
constexpr std::size_t kRun = 256;

template <class Builder, class BurstEnd>
std::uint64_t feed(const BenchStream& s, Builder& builder, const FeedPlan& plan, BurstEnd&& burst_end,
                   metrics::LatencyHistogram* done_latency = nullptr) {
  const std::uint8_t* p = s.bytes.data();
  const std::uint8_t* const end = p + s.bytes.size();
  const metrics::TscClock& clock = plan.clock;
  const std::uint64_t start_ns = clock.to_ns(metrics::TscClock::now()) + 1000;
  const double gap_ns = plan.rate != 0 ? 1e9 / static_cast<double>(plan.rate) : 0;
  auto due_ns = [&](std::uint64_t k) { return start_ns + static_cast<std::uint64_t>(static_cast<double>(k) * gap_ns); };
  feed::MessageContext ctx;
  std::array<book::MessageRef, kRun> run;
  std::uint64_t n = 0;
  auto hint = [&](unsigned stage, std::size_t i) {
    builder.prefetch_encoded(stage, run[i]);
  };
  while (n < plan.limit && end - p >= 2) {
    std::uint64_t now = 0;
    if (plan.rate != 0) {
      now = clock.to_ns(metrics::TscClock::now());
      if (now < due_ns(n)) {
        burst_end();
        while ((now = clock.to_ns(metrics::TscClock::now())) < due_ns(n)) cpu_relax();
      }
    }
    std::size_t count = 0;
    while (count < kRun && n + count < plan.limit && end - p >= 2 &&
           (plan.rate == 0 || due_ns(n + count) <= now)) {
      const std::size_t length = (std::size_t{p[0]} << 8) | p[1];
      if (static_cast<std::size_t>(end - p) < 2 + length) break;  // a cut last message
      run[count++] = {p + 2, length};
      p += 2 + length;
    }
    if (count == 0) break;
    const std::uint64_t first = n;
    auto apply = [&](std::size_t i) {
      const std::uint64_t k = first + i;
      ctx.receive_time_ns = plan.rate != 0 ? due_ns(k) : clock.to_ns(metrics::TscClock::now());
      ctx.sequence = k + 1;
      itch::decode_message(run[i].data, run[i].length, [&](const auto& message) { builder(ctx, message); });
      if (done_latency != nullptr) done_latency->record(clock.to_ns(metrics::TscClock::now()) - ctx.receive_time_ns);
      if (plan.rate == 0 && (k + 1) % kMessagesPerBurst == 0) burst_end();
      return true;
    };
    if (plan.prefetch) {
      (void)book::apply_prefetched(count, hint, apply);
    } else {
      for (std::size_t i = 0; i < count; ++i) apply(i);
    }
    n += count;
  }
  burst_end();
  return n;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline void report_latency(const char* label, const metrics::LatencyHistogram& h) {
  if (h.count() == 0) return;
  std::printf("  %-9s n=%-9" PRIu64 " p50=%" PRIu64 " p90=%" PRIu64 " p99=%" PRIu64 " p99.9=%" PRIu64
              " p99.99=%" PRIu64 " max=%" PRIu64 " ns\n",
              label, h.count(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9),
              h.percentile(99.99), h.max());
}

}  // namespace tickwire::bench
