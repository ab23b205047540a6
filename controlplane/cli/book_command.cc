#include "controlplane/cli/book_command.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_options.h"
#include "controlplane/report/feed_report.h"
#include "controlplane/format/sha256.h"
#include "controlplane/format/book_writer.h"
#include "controlplane/recovery/glimpse_snapshot.h"
#include "controlplane/recovery/snapshot_join.h"
#include "controlplane/recovery/recovering_feed.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/feed/sequenced_feed.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

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

std::vector<OptionSpec> book_build_option_specs() {
  return {
      {"at", true, "stop after the message with this sequence number"},
      {"max-orders", true, "live orders the books can hold (default 4000000)"},
      {"max-levels", true, "price levels the books can hold (default 1000000)"},
      {"max-instruments", true, "instruments (default 16384)"},
      {"reorder-window-us", true, "how long a sequence hole waits for its messages (default 2000)"},
      {"reorder-buffer", true, "packets held while a hole is open (default 1024)"},
  };
}

bool parse_book_build_options(ArgParser& args, BookBuildOptions& options, std::string& error) {
  std::uint64_t at = 0;
  std::uint64_t max_orders = options.config.max_orders;
  std::uint64_t max_levels = options.config.max_levels;
  std::uint64_t max_instruments = options.config.max_instruments;
  std::uint64_t window_us = options.sequencing.reorder_window_ns / 1000;
  std::uint64_t reorder_buffer = options.sequencing.buffered_packets;
  if (!args.uint_value("at", at) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("max-levels", max_levels) || !args.uint_value("max-instruments", max_instruments) ||
      !args.uint_value("reorder-window-us", window_us) || !args.uint_value("reorder-buffer", reorder_buffer)) {
    error = args.error();
    return false;
  }
  if (reorder_buffer == 0 || reorder_buffer > 1'000'000) {
    error = "--reorder-buffer: expected 1 to 1000000 packets";
    return false;
  }
  options.at = args.has("at") ? std::optional<std::uint64_t>(at) : std::nullopt;
  options.sequencing.reorder_window_ns = window_us * 1000;
  options.sequencing.buffered_packets = static_cast<std::uint32_t>(reorder_buffer);
  options.config.max_orders = max_orders;
  options.config.max_levels = max_levels;
  options.config.max_instruments = max_instruments;
  return true;
}

bool BookBuild::init(const BookBuildOptions& options, const net::UdpFilter& feed_filter, std::string& error) {
  filter = feed_filter;
  if (!books.init(options.config, error)) return false;
  builder = std::make_unique<book::BookBuilder<EventTally>>(books, tally, book_counters, 0);
  sink = std::make_unique<BookSink>(BookSink{*builder, options.at});
  sink->prefetch_ahead = options.config.prefetch;
  sequenced = std::make_unique<feed::SequencedFeed<BookSink>>(*sink, filter, feed_counters, options.sequencing);
  if (!sequenced->ok()) {
    error = "cannot reserve the reorder buffer";
    return false;
  }
  return true;
}

int run_book_command(int argc, char** argv) {
  std::vector<OptionSpec> own = {
      {"depth", true, "print at most N levels per side (default: all)"},
      {"digest", false, "print the sha256 of the output instead of the output"},
      {"stats", false, "print feed and book counters to stderr"},
  };
  for (const OptionSpec& s : book_build_option_specs()) own.push_back(s);
  own.insert(own.end(), {
      {"recovery", true, "ask this MoldUDP64 re-request server (IP:PORT) for what no line brought"},
      {"recovery-attempts", true, "requests per hole before it is declared lost (default 5)"},
      {"recovery-retry-ms", true, "wait for an answer before asking again (default 50)"},
      {"snapshot", true, "join late: first the books of this GLIMPSE snapshot server (IP:PORT, SoupBinTCP)"},
      {"snapshot-wait-ms", true, "give up on a snapshot not complete by then (default 0: no limit, but a "
                                 "server silent for 15 s is gone)"},
  });
  ArgParser args = feed_command_parser("book", std::move(own));
  session::FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  std::string error;
  BookBuildOptions options;
  std::uint64_t depth = 0;
  std::uint64_t snapshot_wait_ms = 0;
  if (!args.uint_value("depth", depth) || !args.uint_value("snapshot-wait-ms", snapshot_wait_ms)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (!parse_book_build_options(args, options, error)) return args.usage_error(error, kSynopsis);
  std::optional<net::UdpEndpoint> snapshot_server;
  if (const auto server = args.value("snapshot")) {
    snapshot_server = net::parse_endpoint(*server);
    if (!snapshot_server || snapshot_server->address == 0 || snapshot_server->port == 0) {
      return args.usage_error("--snapshot: expected IP:PORT", kSynopsis);
    }
    if (snapshot_wait_ms > 24 * 3'600'000) {
      return args.usage_error("--snapshot-wait-ms: at most a day (86400000)", kSynopsis);
    }
  }

  auto build = std::make_unique<BookBuild>();
  if (!build->init(options, input.filter, error)) {
    std::fprintf(stderr, "tickwire book: %s\n", error.c_str());
    return 1;
  }
  BookSink& sink = *build->sink;
  auto& sequenced = build->sequenced;
  metrics::FeedCounters& counters = build->feed_counters;
  const feed::SequencerConfig& sequencing = options.sequencing;
  std::unique_ptr<recovery::RerequestClient> client;
  std::unique_ptr<recovery::RecoveringFeed<BookSink>> recovering;
  if (const auto server = args.value("recovery")) {
    const auto endpoint = net::parse_endpoint(*server);
    if (!endpoint || endpoint->address == 0 || endpoint->port == 0) {
      return args.usage_error("--recovery: expected IP:PORT", kSynopsis);
    }
    client = recovery::RerequestClient::open(*endpoint, error);
    if (!client) {
      std::fprintf(stderr, "tickwire book: %s\n", error.c_str());
      return 1;
    }
    std::uint64_t attempts = 5;
    std::uint64_t retry_ms = 50;
    if (!args.uint_value("recovery-attempts", attempts) || !args.uint_value("recovery-retry-ms", retry_ms) ||
        attempts == 0 || attempts > 100) {
      return args.usage_error("--recovery-attempts 1..100, --recovery-retry-ms N", kSynopsis);
    }
    // Asked once the hole is half the reorder window old: line B has had its chance, and the
    // window still has room.
    recovery::RecoveryConfig config;
    config.request_after_ns = 0;
    config.retry_after_ns = retry_ms * 1'000'000;
    config.max_attempts = static_cast<std::uint32_t>(attempts);
    config.min_interval_ns = 0;
    recovering = std::make_unique<recovery::RecoveringFeed<BookSink>>(
        *sequenced, *client, config, sequencing.reorder_window_ns / 2, session::answer_wait(input), &recovery::steady_ns);
  }
  auto snapshot = std::make_unique<SnapshotReport>();
  // Live, the ports are read while the snapshot is fetched, and what they bring is held and
  // applied after it (SnapshotJoin); from files nothing runs meanwhile, so it comes first.
  const bool live_join = snapshot_server && !input.eal.empty();
  if (snapshot_server && !live_join) {
    // Before the stop handlers: Ctrl-C while the snapshot is on its way ends the command.
    if (!join_from_snapshot(*snapshot_server, static_cast<int>(snapshot_wait_ms), *build, *snapshot)) return 1;
    if (options.at && *options.at + 1 < snapshot->result.resume_sequence) {
      std::fprintf(stderr, "tickwire book: --at %llu is before the snapshot, which reflects every message up to %llu\n",
                   static_cast<unsigned long long>(*options.at),
                   static_cast<unsigned long long>(snapshot->result.resume_sequence - 1));
      return 1;
    }
  }
  session::install_stop_handlers();
  SnapshotApply apply{*build, *snapshot};
  auto run = [&](auto& feed) {
    if (!live_join) return session::run_feed_inputs(input, feed, sink, counters, stderr);
    recovery::SnapshotJoin join(feed, *sequenced,
                                snapshot_client_config(*snapshot_server, static_cast<int>(snapshot_wait_ms)), apply,
                                &session::stop_requested);
    join.start();
    return session::run_feed_inputs(input, join, sink, counters, stderr);
  };
  const session::FeedRunResult result = recovering ? run(*recovering) : run(*sequenced);
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

  const std::optional<std::size_t> max_depth = args.has("depth") ? std::optional<std::size_t>(depth) : std::nullopt;
  if (args.has("digest")) {
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

  if (args.has("stats")) {
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

}  // namespace tickwire::cli
