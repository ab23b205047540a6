#include "controlplane/bench/book_bench.h"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <string>
#include <vector>

#include "dataplane/book/book_builder.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/itch/decoder.h"

namespace tickwire::bench {
namespace {

// Reads what a consumer would read of each event, so emission cannot be optimised away; in
// order (a polynomial hash), so runs that emit the same values in another order differ.
struct EventChecksum {
  std::uint64_t sum = 0;
  void operator()(const events::Event& e) noexcept {
    const std::uint64_t fields = e.price ^ (e.quantity << 1) ^ (std::uint64_t{e.instrument} << 32) ^
                                 (static_cast<std::uint64_t>(e.kind) << 56) ^ (std::uint64_t{e.flags} << 40);
    sum = sum * 0x100000001B3ull + fields;
  }
};

struct RunFigures {
  double seconds = 0;
  std::size_t peak_orders = 0;
  std::size_t peak_levels = 0;
  std::uint64_t events = 0;
  std::uint64_t anomalies = 0;
  double startup_ms = 0;
  std::size_t reserved = 0;
  double bytes_per_order = 0;
  std::size_t long_lived_orders = 0;
  std::uint64_t checksum = 0;
  bool huge_pages = false;
};

bool one_run(const BenchStream& stream, const BookBenchOptions& options, RunFigures& figures) {
  const auto s0 = std::chrono::steady_clock::now();
  book::BookConfig config;
  config.max_orders = options.max_orders;
  config.max_levels = options.max_levels;
  config.prefault = true;
  config.huge_pages = true;
  book::BookStore store;
  std::string error;
  if (!store.init(config, error)) {
    std::fprintf(stderr, "tickwire bench book: %s\n", error.c_str());
    return false;
  }
  figures.startup_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
  EventChecksum sink;
  book::BookCounters counters;
  book::BookBuilder<EventChecksum> builder(store, sink, counters, 0);
  feed::MessageContext ctx;

  // The stream in runs, as `tickwire replay` reads a BinaryFILE, each applied with the book
  // builder's prefetch stages issued ahead (book::apply_prefetched).
  constexpr std::size_t kRun = 256;
  book::MessageRef run[kRun];
  const std::uint8_t* p = stream.bytes.data();
  const std::uint8_t* const end = p + stream.bytes.size();
  auto hint = [&](unsigned stage, std::size_t j) {
    builder.prefetch_encoded(stage, run[j]);
  };
  std::uint64_t sequence = 0;
  auto apply = [&](std::size_t j) {
    ctx.sequence = ++sequence;
    itch::decode_message(run[j].data, run[j].length, [&](const auto& message) { builder(ctx, message); });
    return true;
  };
  const auto t0 = std::chrono::steady_clock::now();
  while (end - p >= 2) {
    std::size_t count = 0;
    for (; count < kRun && end - p >= 2; ++count) {
      const std::size_t n = (std::size_t{p[0]} << 8) | p[1];
      if (static_cast<std::size_t>(end - p) < 2 + n) break;  // a cut last message
      run[count] = {p + 2, n};
      p += 2 + n;
    }
    if (count == 0) break;
    if (options.prefetch) {
      (void)book::apply_prefetched(count, hint, apply);
    } else {
      for (std::size_t j = 0; j < count; ++j) apply(j);
    }
  }
  figures.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  figures.peak_orders = store.peak_orders();
  figures.peak_levels = store.peak_levels();
  figures.events = counters.events;
  figures.anomalies = 0;
  for (const std::uint64_t a : counters.anomalies) figures.anomalies += a;
  figures.reserved = store.reserved_bytes();
  figures.bytes_per_order = store.bytes_per_order();
  figures.long_lived_orders = store.long_lived_orders();
  figures.checksum = sink.sum;
  figures.huge_pages = store.on_huge_pages();
  return true;
}

}  // namespace

bool run_book_bench(const BenchStream& stream, const BookBenchOptions& options, std::FILE* out) {
  RunFigures best;
  std::vector<double> seconds;
  for (unsigned r = 0; r < std::max(1u, options.repeat); ++r) {
    RunFigures run;
    if (!one_run(stream, options, run)) return false;
    std::fprintf(out, "run %u ns_per_msg %.1f%s\n", r + 1, run.seconds * 1e9 / static_cast<double>(stream.messages),
                 run.huge_pages ? "" : " (orders not on huge pages)");
    if (r != 0 && run.checksum != best.checksum) {
      std::fprintf(stderr, "tickwire bench book: run %u emitted different events than run 1\n", r + 1);
      return false;
    }
    if (r == 0 || run.seconds < best.seconds) best = run;
    seconds.push_back(run.seconds);
  }
  const double n = static_cast<double>(stream.messages);
  std::fprintf(out, "messages %" PRIu64 "\n", stream.messages);
  std::fprintf(out, "ns_per_msg %.1f\n", best.seconds * 1e9 / n);
  // The best run is the machine's floor; the median says how far a shared machine's noise moves it.
  std::fprintf(out, "ns_per_msg_median %.1f\n", median(seconds) * 1e9 / n);
  std::fprintf(out, "msgs_per_s %.0f\n", n / best.seconds);
  std::fprintf(out, "events_per_msg %.3f\n", static_cast<double>(best.events) / n);
  std::fprintf(out, "peak_live_orders %zu\n", best.peak_orders);
  std::fprintf(out, "peak_levels %zu\n", best.peak_levels);
  // What one order stored costs, and what the order table reserves per order it can hold
  // (direct slots, overflow region, long-lived index: address space, resident as used, or
  // all of it from start-up with book.prefault).
  std::fprintf(out, "order_record_bytes %zu\n", sizeof(book::Order));
  std::fprintf(out, "reserved_bytes_per_order %.1f\n", best.bytes_per_order);
  std::fprintf(out, "long_lived_orders_at_end %zu\n", best.long_lived_orders);
  std::fprintf(out, "reserved_MiB %.0f\n", static_cast<double>(best.reserved) / (1 << 20));
  std::fprintf(out, "startup_ms %.1f\n", best.startup_ms);
  std::fprintf(out, "huge_pages %s\n", best.huge_pages ? "yes" : "no");
  std::fprintf(out, "anomalies %" PRIu64 "\n", best.anomalies);
  std::fprintf(out, "peak_rss_MiB %.0f\n", peak_rss_mib());
  std::fprintf(out, "checksum %" PRIu64 "\n", best.checksum);
  return true;
}

}  // namespace tickwire::bench
