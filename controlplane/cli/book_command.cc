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

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

struct EventTally {
  std::array<std::uint64_t, 16> by_kind{};
  void operator()(const events::Event& e) noexcept { ++by_kind[static_cast<std::size_t>(e.kind)]; }
};

// Applies messages in arrival order, without the copies a capture holds twice, up to --at.
struct BookSink {
  book::BookBuilder<EventTally>& builder;
  std::optional<std::uint64_t> at;
  bool reached = false;
  std::uint64_t duplicates_skipped = 0;

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    if (reached) return;
    if (ctx.verdict == feed::SequenceVerdict::kDuplicate) {
      ++duplicates_skipped;
      return;
    }
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
  if (!args.uint_value("depth", depth) || !args.uint_value("at", at) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("max-levels", max_levels) || !args.uint_value("max-instruments", max_instruments)) {
    return args.usage_error(args.error(), kSynopsis);
  }
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
  auto audit = std::make_unique<feed::SequenceAudit>();
  const FeedRunResult result = run_feed_inputs(input, sink, *counters, *audit, stderr);

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
    print_feed_report(stderr, *counters, *audit);
    print_port_report(stderr, result.ports);
    print_report_line(stderr, "book.duplicates_skipped", sink.duplicates_skipped);
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
