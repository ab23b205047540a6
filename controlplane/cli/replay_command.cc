#include "controlplane/cli/replay_command.h"

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_input.h"
#include "controlplane/cli/feed_report.h"
#include "controlplane/cli/sha256.h"
#include "controlplane/format/journal_writer.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/stages/inline_pipeline.h"
#include "dataplane/stages/price_move_detector.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

struct SignalCounter final : stages::SignalSink {
  format::JournalWriter* journal = nullptr;
  std::uint64_t price_jumps = 0;
  std::uint64_t liquidity_drops = 0;
  void emit(const stages::Signal& s) noexcept override {
    ++(s.kind == stages::SignalKind::kPriceJump ? price_jumps : liquidity_drops);
    if (journal != nullptr) journal->signal(s);
  }
};

// Between the book builder and the pipeline: the journal sees every event first, when asked.
struct EventTap {
  stages::InlinePipeline& pipeline;
  format::JournalWriter* events_journal = nullptr;
  void operator()(const events::Event& e) noexcept {
    if (events_journal != nullptr) events_journal->event(e);
    pipeline(e);
  }
};

struct ReplaySink {
  book::BookBuilder<EventTap>& builder;
  std::uint64_t gaps = 0;
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    builder(ctx, m);
  }
  void on_gap(const feed::SessionId&, feed::SequenceRange, feed::GapCause) noexcept {
    ++gaps;
    builder.set_suspect(true);
  }
};

void print_cost(std::FILE* out, const std::string& name, const metrics::LatencyHistogram& h) {
  std::fprintf(out,
               "%-36s count=%" PRIu64 " p50=%" PRIu64 " p90=%" PRIu64 " p99=%" PRIu64 " p99.9=%" PRIu64
               " p99.99=%" PRIu64 " max=%" PRIu64 " (ns)\n",
               name.c_str(), h.count(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9),
               h.percentile(99.99), h.max());
}

}  // namespace

int run_replay_command(int argc, char** argv) {
  ArgParser args = feed_command_parser(
      "replay", {
                    {"journal", true, "write the signals (JSON lines) to FILE and print its sha256"},
                    {"journal-events", false, "with --journal: every retired event too"},
                    {"stats", false, "print feed, sequencer and book counters to stderr"},
                    {"window-ms", true, "price-move window of exchange time (default 1000)"},
                    {"jump-bps", true, "price jump threshold in basis points of the mid (default 50; 0 off)"},
                    {"drop-percent", true, "touch size drop threshold in percent (default 80; 0 off)"},
                    {"min-touch", true, "smallest touch size judged for a drop (default 500)"},
                    {"budget-ns", true, "time budget of a stage call; overruns are counted (default 2000)"},
                    {"latency-report", true, "write the per-message pipeline cost as an HdrHistogram "
                                             "percentile distribution to FILE"},
                    {"max-orders", true, "live orders the books can hold (default 4000000)"},
                    {"reorder-window-us", true, "how long a sequence hole waits (default 2000)"},
                });
  FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  stages::PriceMoveConfig detector_config;
  std::uint64_t window_ms = detector_config.window_ns / 1'000'000;
  std::uint64_t jump = detector_config.jump_basis_points;
  std::uint64_t drop = detector_config.drop_percent;
  std::uint64_t min_touch = detector_config.min_touch_size;
  std::uint64_t budget_ns = 2000;
  book::BookConfig book_config;
  std::uint64_t max_orders = book_config.max_orders;
  feed::SequencerConfig sequencing;
  std::uint64_t window_us = sequencing.reorder_window_ns / 1000;
  if (!args.uint_value("window-ms", window_ms) || !args.uint_value("jump-bps", jump) ||
      !args.uint_value("drop-percent", drop) || !args.uint_value("min-touch", min_touch) ||
      !args.uint_value("budget-ns", budget_ns) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("reorder-window-us", window_us)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (drop > 100) return args.usage_error("--drop-percent: expected 0 to 100", kSynopsis);
  if (args.has("journal-events") && !args.has("journal")) {
    return args.usage_error("--journal-events needs --journal", kSynopsis);
  }
  detector_config.window_ns = window_ms * 1'000'000;
  detector_config.jump_basis_points = static_cast<std::uint32_t>(jump);
  detector_config.drop_percent = static_cast<std::uint32_t>(drop);
  detector_config.min_touch_size = min_touch;
  detector_config.max_instruments = static_cast<std::uint32_t>(book_config.max_instruments);
  book_config.max_orders = max_orders;
  sequencing.reorder_window_ns = window_us * 1000;

  book::BookStore books;
  std::string error;
  if (!books.init(book_config, error)) {
    std::fprintf(stderr, "tickwire replay: %s\n", error.c_str());
    return 1;
  }
  stages::PriceMoveDetector detector(detector_config);
  if (!detector.ok()) {
    std::fprintf(stderr, "tickwire replay: cannot reserve the detector's state\n");
    return 1;
  }

  Sha256 journal_hash;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_file(nullptr, &std::fclose);
  std::unique_ptr<format::JournalWriter> journal;
  const std::string_view stage_names[] = {detector.name()};
  if (const auto path = args.value("journal")) {
    journal_file.reset(open_hashing_file(*path, journal_hash));
    if (!journal_file) {
      std::perror(("tickwire replay: " + *path).c_str());
      return 1;
    }
    journal = std::make_unique<format::JournalWriter>(journal_file.get(), books, stage_names);
  }

  install_stop_handlers();
  SignalCounter signals;
  signals.journal = journal.get();
  stages::InlinePipeline pipeline(signals, metrics::TscClock::calibrate());
  (void)pipeline.add(detector, budget_ns);
  EventTap tap{pipeline, args.has("journal-events") ? journal.get() : nullptr};
  book::BookCounters book_counters;
  book::BookBuilder<EventTap> builder(books, tap, book_counters, 0);
  ReplaySink sink{builder};
  auto counters = std::make_unique<metrics::FeedCounters>();
  auto sequenced = std::make_unique<feed::SequencedFeed<ReplaySink>>(sink, input.filter, *counters, sequencing);
  const FeedRunResult result = run_feed_inputs(input, *sequenced, sink, *counters, stderr);

  std::printf("messages %" PRIu64 "\n", counters->messages);
  std::printf("events %" PRIu64 "\n", pipeline.events());
  std::printf("signals.price_jump %" PRIu64 "\n", signals.price_jumps);
  std::printf("signals.liquidity_drop %" PRIu64 "\n", signals.liquidity_drops);
  std::printf("gaps %" PRIu64 "\n", sink.gaps);
  for (const stages::StageSlot& s : pipeline.slots()) {
    std::printf("stage.%.*s calls=%" PRIu64 " overruns=%" PRIu64 " failures=%" PRIu64 " budget_ns=%" PRIu64 "\n",
                static_cast<int>(s.stage->name().size()), s.stage->name().data(), s.calls, s.overruns, s.failures,
                s.budget_ns);
    print_cost(stdout, "stage." + std::string(s.stage->name()) + ".cost", s.cost);
  }
  print_cost(stdout, "pipeline.per_message", pipeline.message_cost());
  if (journal) {
    journal->flush();
    const bool failed = journal->failed();
    journal.reset();
    journal_file.reset();
    if (failed) {
      std::fprintf(stderr, "tickwire replay: writing the journal failed\n");
      return 1;
    }
    std::printf("journal %s sha256 %s\n", args.value("journal")->c_str(), journal_hash.hex().c_str());
  }
  if (const auto path = args.value("latency-report")) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> report(std::fopen(path->c_str(), "w"), &std::fclose);
    if (!report) {
      std::perror(("tickwire replay: " + *path).c_str());
      return 1;
    }
    pipeline.message_cost().write_percentile_distribution(report.get());
  }
  if (args.has("stats")) {
    print_feed_counters(stderr, *counters);
    const std::uint64_t missing[2] = {sequenced->line_missing(0), sequenced->line_missing(1)};
    print_sequencer_report(stderr, sequenced->stats(), missing);
    for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
      print_report_line(stderr, "book.anomalies." + std::string(book::kBookAnomalyNames[i]),
                        book_counters.anomalies[i]);
    }
  }
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
