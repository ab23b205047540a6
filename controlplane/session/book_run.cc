#include "controlplane/session/book_run.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "controlplane/format/book_writer.h"
#include "controlplane/format/sha256.h"
#include "controlplane/recovery/glimpse_snapshot.h"
#include "controlplane/recovery/recovering_feed.h"
#include "controlplane/recovery/rerequest_client.h"
#include "controlplane/recovery/snapshot_join.h"
#include "controlplane/report/feed_report.h"
#include "controlplane/session/stop_signal.h"

namespace tickwire::session {

namespace {

constexpr std::array<std::string_view, 9> kEventKindNames = {
    "level_change", "top_of_book", "trade", "trade_break", "trading_state",
    "market_state", "imbalance",   "book_crossed", "instrument_added"};

// What the snapshot brought, for --stats.
struct SnapshotReport {
  recovery::SnapshotResult result;
  metrics::FeedCounters counters;  // the snapshot's messages: by type, and any it refused
};

// Applies a snapshot to the books through the builder (the books are built by the same code
// as from the feed), then records what it brought and where the feed resumes.
struct SnapshotApply {
  BookBuild& build;
  SnapshotReport& report;
  // Snapshot messages carry no feed sequence number (their events have sequence 0): they
  // come before every live message.
  feed::MessageContext ctx{};
  void message(const std::uint8_t* message, std::size_t length) {
    (void)feed::deliver_message(message, length, ctx, *build.builder, report.counters);
  }
  void done(const recovery::SnapshotResult& result) {
    report.result = result;
    if (!result.ok()) return;
    // The snapshot is the whole state: whatever was lost before it no longer matters.
    build.builder->set_suspect(false);
    build.sink->snapshot_resume = result.resume_sequence;
  }
};

recovery::SnapshotClientConfig snapshot_client_config(const net::UdpEndpoint& server, int deadline_ms) {
  recovery::SnapshotClientConfig config;
  config.server = server;
  config.deadline_ms = deadline_ms;
  return config;
}

// From files: the snapshot first, then the resume point (the feed's messages below it are in
// the snapshot). False (the error printed, naming the server) on any failure: a book that
// silently lacked the snapshot would be wrong without saying so.
bool join_from_snapshot(const net::UdpEndpoint& server, int deadline_ms, BookBuild& build, SnapshotReport& report) {
  SnapshotApply apply{build, report};
  if (!recovery::fetch_snapshot_then_resume(snapshot_client_config(server, deadline_ms), *build.sequenced, apply).ok()) {
    std::fprintf(stderr, "tickwire book: %s\n", report.result.message.c_str());
    return false;
  }
  return true;
}

}  // namespace

int run_book(const FeedInputOptions& input, const BookRunOptions& options) {
  const BookBuildOptions& build_options = options.build;
  const std::optional<net::UdpEndpoint>& snapshot_server = options.snapshot_server;
  const int snapshot_wait_ms = options.snapshot_wait_ms;
  std::string error;
  auto build = std::make_unique<BookBuild>();
  if (!build->init(build_options, input.filter, error)) {
    std::fprintf(stderr, "tickwire book: %s\n", error.c_str());
    return 1;
  }
  BookSink& sink = *build->sink;
  auto& sequenced = build->sequenced;
  metrics::FeedCounters& counters = build->feed_counters;
  const feed::SequencerConfig& sequencing = build_options.sequencing;
  std::unique_ptr<recovery::RerequestClient> client;
  std::unique_ptr<recovery::RecoveringFeed<BookSink>> recovering;
  if (options.recovery_server) {
    client = recovery::RerequestClient::open(*options.recovery_server, error);
    if (!client) {
      std::fprintf(stderr, "tickwire book: %s\n", error.c_str());
      return 1;
    }
    // Asked once the hole is half the reorder window old: line B has had its chance, and the
    // window still has room.
    recovery::RecoveryConfig config;
    config.request_after_ns = 0;
    config.retry_after_ns = options.recovery_retry_ms * 1'000'000;
    config.max_attempts = options.recovery_attempts;
    config.min_interval_ns = 0;
    recovering = std::make_unique<recovery::RecoveringFeed<BookSink>>(
        *sequenced, *client, config, sequencing.reorder_window_ns / 2, answer_wait(input), &recovery::steady_ns);
  }
  auto snapshot = std::make_unique<SnapshotReport>();
  // Live, the ports are read while the snapshot is fetched, and what they bring is held and
  // applied after it (SnapshotJoin); from files nothing runs meanwhile, so it comes first.
  const bool live_join = snapshot_server && !input.eal.empty();
  if (snapshot_server && !live_join) {
    // Before the stop handlers: Ctrl-C while the snapshot is on its way ends the command.
    if (!join_from_snapshot(*snapshot_server, snapshot_wait_ms, *build, *snapshot)) return 1;
    if (build_options.at && *build_options.at + 1 < snapshot->result.resume_sequence) {
      std::fprintf(stderr, "tickwire book: --at %llu is before the snapshot, which reflects every message up to %llu\n",
                   static_cast<unsigned long long>(*build_options.at),
                   static_cast<unsigned long long>(snapshot->result.resume_sequence - 1));
      return 1;
    }
  }
  install_stop_handlers();
  SnapshotApply apply{*build, *snapshot};
  auto run = [&](auto& feed) {
    if (!live_join) return run_feed_inputs(input, feed, sink, counters, stderr);
    recovery::SnapshotJoin join(feed, *sequenced,
                                snapshot_client_config(*snapshot_server, snapshot_wait_ms), apply,
                                &stop_requested);
    join.start();
    return run_feed_inputs(input, join, sink, counters, stderr);
  };
  const FeedRunResult result = recovering ? run(*recovering) : run(*sequenced);
  if (live_join && !snapshot->result.ok()) {
    std::fprintf(stderr, "tickwire book: %s (the books hold only what the feed brought since the join)\n",
                 snapshot->result.message.c_str());
  }
  book::BookStore& books = build->books;
  EventTally& tally = build->tally;
  book::BookCounters& book_counters = build->book_counters;
  // A snapshot of one session under the messages of another would be wrong books: say so.
  const std::uint64_t mismatches = sequenced->stats().resume_session_mismatches;
  if (snapshot_server && mismatches != 0) {
    std::fprintf(stderr,
                 "tickwire book: the inputs carry another MoldUDP64 session than the snapshot's '%s': its messages "
                 "were applied on top of the snapshot\n",
                 snapshot->result.session.c_str());
  }

  const std::optional<std::size_t>& max_depth = options.depth;
  if (options.digest) {
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* memory = open_memstream(&text, &size);
    {
      format::TextBuffer out(memory);
      format::write_books(out, books, 0, max_depth);
    }
    std::fclose(memory);
    std::printf("%s\n", format::sha256_hex(std::string_view(text, size)).c_str());
    std::free(text);
  } else {
    format::TextBuffer out(stdout);
    format::write_books(out, books, 0, max_depth);
  }

  if (options.stats) {
    report::print_feed_counters(stderr, counters);
    report::print_sequenced_feed_report(stderr, *sequenced);
    report::print_port_report(stderr, result.ports);
    if (recovering) report::print_recovery_report(stderr, recovering->stats());
    report::print_report_line(stderr, "book.messages_applied", book_counters.messages_applied);
    report::print_report_line(stderr, "book.events", book_counters.events);
    report::print_report_line(stderr, "book.days_begun", book_counters.days_begun);
    report::print_report_line(stderr, "book.orders_dropped_at_day_end", book_counters.orders_dropped_at_day_end);
    for (std::size_t i = 0; i < kEventKindNames.size(); ++i) {
      report::print_report_line(stderr, "book.events." + std::string(kEventKindNames[i]), tally.by_kind[i]);
    }
    for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
      report::print_report_line(stderr, "book.anomalies." + std::string(book::kBookAnomalyNames[i]),
                        book_counters.anomalies[i]);
    }
    report::print_report_line(stderr, "book.instruments", books.instrument_count());
    report::print_report_line(stderr, "book.live_orders", books.live_orders());
    report::print_report_line(stderr, "book.peak_orders", books.peak_orders());
    report::print_report_line(stderr, "book.live_levels", books.live_levels());
    report::print_report_line(stderr, "book.peak_levels", books.peak_levels());
    if (snapshot_server) {
      const recovery::SnapshotResult& r = snapshot->result;
      report::print_report_line(stderr, "snapshot.messages", r.messages);
      report::print_report_line(stderr, "snapshot.messages_applied", snapshot->counters.messages);
      std::uint64_t refused = 0;
      for (const std::uint64_t n : snapshot->counters.drops) refused += n;
      report::print_report_line(stderr, "snapshot.messages_refused", refused);
      report::print_report_line(stderr, "snapshot.resume_sequence", r.resume_sequence);
      report::print_report_line(stderr, "snapshot.skipped_messages",
                        sequenced->stats().before_resume + sink.skipped_before_resume);
      report::print_report_line(stderr, "snapshot.session_mismatches", mismatches);
      report::print_report_line(stderr, "snapshot.heartbeats", r.heartbeats);
      report::print_report_line(stderr, "snapshot.bytes", r.bytes);
      report::print_report_line(stderr, "snapshot.elapsed_us", r.elapsed_ns / 1000);
    }
  }
  return result.all_inputs_usable && (!snapshot_server || (mismatches == 0 && snapshot->result.ok())) ? 0 : 1;
}

}  // namespace tickwire::session
