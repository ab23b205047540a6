#include "controlplane/cli/book_command.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_input.h"
#include "controlplane/cli/feed_report.h"
#include "controlplane/cli/sha256.h"
#include "controlplane/format/book_writer.h"
#include "dataplane/book/book_builder.h"
#include "controlplane/recovery/recovering_feed.h"
#include "dataplane/feed/sequenced_feed.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

struct EventTally {
  std::array<std::uint64_t, 16> by_kind{};
  void operator()(const events::Event& e) noexcept { ++by_kind[static_cast<std::size_t>(e.kind)]; }
};

// Applies messages in sequence order (the sequencer's), up to --at; a gap makes the books
// suspect from there on.
struct BookSink {
  book::BookBuilder<EventTally>& builder;
  std::optional<std::uint64_t> at;
  bool reached = false;

  void on_gap(const feed::SessionId&, feed::SequenceRange, feed::GapCause) noexcept { builder.set_suspect(true); }

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    if (reached) return;
    if (at && ctx.sequence > *at) {
      reached = true;
      return;
    }
    builder(ctx, m);
    if (at && ctx.sequence == *at) reached = true;
  }
  [[nodiscard]] bool done() const noexcept { return reached; }
};

constexpr std::array<std::string_view, 9> kEventKindNames = {
    "level_change", "top_of_book", "trade", "trade_break", "trading_state",
    "market_state", "imbalance",   "book_crossed", "instrument_added"};

}  // namespace

int run_book_command(int argc, char** argv) {
  ArgParser args = feed_command_parser(
      "book", {
                  {"depth", true, "print at most N levels per side (default: all)"},
                  {"at", true, "stop after the message with this sequence number"},
                  {"digest", false, "print the sha256 of the output instead of the output"},
                  {"stats", false, "print feed and book counters to stderr"},
                  {"max-orders", true, "live orders the books can hold (default 4000000)"},
                  {"max-levels", true, "price levels the books can hold (default 1000000)"},
                  {"max-instruments", true, "instruments (default 16384)"},
                  {"reorder-window-us", true, "how long a sequence hole waits for its messages (default 2000)"},
                  {"reorder-buffer", true, "packets held while a hole is open (default 1024)"},
                  {"recovery", true, "ask this MoldUDP64 re-request server (IP:PORT) for what no line brought"},
                  {"recovery-attempts", true, "requests per hole before it is declared lost (default 5)"},
                  {"recovery-retry-ms", true, "wait for an answer before asking again (default 50)"},
              });
  FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  std::string error;
  book::BookConfig config;
  std::uint64_t depth = 0;
  std::uint64_t at = 0;
  std::uint64_t max_orders = config.max_orders;
  std::uint64_t max_levels = config.max_levels;
  std::uint64_t max_instruments = config.max_instruments;
  feed::SequencerConfig sequencing;
  std::uint64_t window_us = sequencing.reorder_window_ns / 1000;
  std::uint64_t reorder_buffer = sequencing.buffered_packets;
  if (!args.uint_value("depth", depth) || !args.uint_value("at", at) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("max-levels", max_levels) || !args.uint_value("max-instruments", max_instruments) ||
      !args.uint_value("reorder-window-us", window_us) || !args.uint_value("reorder-buffer", reorder_buffer)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (reorder_buffer == 0 || reorder_buffer > 1'000'000) {
    return args.usage_error("--reorder-buffer: expected 1 to 1000000 packets", kSynopsis);
  }
  sequencing.reorder_window_ns = window_us * 1000;
  sequencing.buffered_packets = static_cast<std::uint32_t>(reorder_buffer);
  config.max_orders = max_orders;
  config.max_levels = max_levels;
  config.max_instruments = max_instruments;

  book::BookStore books;
  if (!books.init(config, error)) {
    std::fprintf(stderr, "tickwire book: %s\n", error.c_str());
    return 1;
  }
  install_stop_handlers();
  EventTally tally;
  book::BookCounters book_counters;
  book::BookBuilder<EventTally> builder(books, tally, book_counters, 0);
  BookSink sink{builder, args.has("at") ? std::optional<std::uint64_t>(at) : std::nullopt};
  auto counters = std::make_unique<metrics::FeedCounters>();
  auto sequenced = std::make_unique<feed::SequencedFeed<BookSink>>(sink, input.filter, *counters, sequencing);
  if (!sequenced->ok()) {
    std::fprintf(stderr, "tickwire book: cannot reserve the reorder buffer\n");
    return 1;
  }
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
    recovering = std::make_unique<recovery::RecoveringFeed<BookSink>>(*sequenced, *client, config,
                                                                      sequencing.reorder_window_ns / 2);
  }
  const FeedRunResult result = recovering ? run_feed_inputs(input, *recovering, sink, *counters, stderr)
                                          : run_feed_inputs(input, *sequenced, sink, *counters, stderr);

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
    std::printf("%s\n", sha256_hex(std::string_view(text, size)).c_str());
    std::free(text);
  } else {
    format::TextBuffer out(stdout);
    format::write_books(out, books, 0, max_depth);
  }

  if (args.has("stats")) {
    print_feed_counters(stderr, *counters);
    const std::uint64_t missing[2] = {sequenced->line_missing(0), sequenced->line_missing(1)};
    print_sequencer_report(stderr, sequenced->stats(), missing);
    for (unsigned l = 0; l < feed::kRecoveryLine; ++l) {
      if (!sequenced->line_health(l).seen) continue;
      print_report_line(stderr, std::string("line.") + static_cast<char>('a' + l) + ".stale_episodes",
                        sequenced->line_health(l).stale_episodes);
    }
    print_port_report(stderr, result.ports);
    if (recovering) print_recovery_report(stderr, recovering->stats());
    print_report_line(stderr, "book.messages_applied", book_counters.messages_applied);
    print_report_line(stderr, "book.events", book_counters.events);
    for (std::size_t i = 0; i < kEventKindNames.size(); ++i) {
      print_report_line(stderr, "book.events." + std::string(kEventKindNames[i]), tally.by_kind[i]);
    }
    for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
      print_report_line(stderr, "book.anomalies." + std::string(book::kBookAnomalyNames[i]),
                        book_counters.anomalies[i]);
    }
    print_report_line(stderr, "book.instruments", books.instrument_count());
    print_report_line(stderr, "book.live_orders", books.live_orders());
    print_report_line(stderr, "book.peak_orders", books.peak_orders());
    print_report_line(stderr, "book.live_levels", books.live_levels());
    print_report_line(stderr, "book.peak_levels", books.peak_levels());
  }
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
