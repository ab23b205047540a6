#include "controlplane/cli/decode_command.h"

#include <cstdio>
#include <memory>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_options.h"
#include "controlplane/report/feed_report.h"
#include "controlplane/session/stop_signal.h"
#include "controlplane/format/message_writer.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";

// Prints each message; with --dedupe, a message whose sequence number was already seen
// (the other line's copy, a retransmission) is counted and not printed.
struct PrintingSink {
  format::MessageWriter& writer;
  bool dedupe = false;
  std::uint64_t suppressed = 0;

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    if (dedupe && ctx.verdict == feed::SequenceVerdict::kDuplicate) {
      ++suppressed;
      return;
    }
    writer(ctx, m);
  }
};

}  // namespace

int run_decode_command(int argc, char** argv) {
  ArgParser args = feed_command_parser(
      "decode", {
                    {"format", true, "jsonl (default), csv, text, or none"},
                    {"stats", false, "print packet, message, drop and sequence counts to stderr"},
                    {"dedupe", false, "print a message sequence number once (first copy wins)"},
                    {"output", true, "write messages to FILE instead of stdout"},
                });
  session::FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  const auto format = format::parse_output_format(args.value("format").value_or("jsonl"));
  if (!format) return args.usage_error("--format must be jsonl, csv, text or none", kSynopsis);

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> output_file(nullptr, &std::fclose);
  if (const auto path = args.value("output")) {
    output_file.reset(std::fopen(path->c_str(), "wb"));
    if (!output_file) {
      std::perror(("tickwire decode: " + *path).c_str());
      return 1;
    }
    out = output_file.get();
  }

  session::install_stop_handlers();
  format::MessageWriter writer(out, *format);
  PrintingSink sink{writer, args.has("dedupe")};
  auto counters = std::make_unique<metrics::FeedCounters>();
  auto audit = std::make_unique<feed::SequenceAudit>();
  const session::FeedRunResult result = session::run_feed_inputs(input, sink, *counters, *audit, stderr);
  writer.flush();

  if (args.has("stats")) {
    report::print_feed_report(stderr, *counters, *audit);
    if (sink.dedupe) report::print_report_line(stderr, "duplicates_not_printed", sink.suppressed);
    report::print_port_report(stderr, result.ports);
  }
  if (writer.failed()) {
    std::fprintf(stderr, "tickwire decode: writing the output failed\n");
    return 1;
  }
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
