#include "controlplane/cli/decode_command.h"

#include <cinttypes>
#include <cstdio>
#include <memory>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/feed_input.h"
#include "controlplane/cli/feed_report.h"
#include "controlplane/cli/stop_signal.h"
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
  ArgParser args("decode", {
      {"format", true, "jsonl (default), csv, text, or none"},
      {"stats", false, "print packet, message, drop and sequence counts to stderr"},
      {"filter", true, "only datagrams to GROUP:PORT (repeatable; * or 0 = any)"},
      {"dedupe", false, "print a message sequence number once (first copy wins)"},
      {"output", true, "write messages to FILE instead of stdout"},
      {"eal", true, "read DPDK ports instead of files, e.g. \"--no-huge --vdev=net_pcap0,rx_pcap=F\""},
      {"idle-exit-ms", true, "with --eal: stop after this long without packets (0 = never; default 1000)"},
      {"help", false, "this text"},
  });
  if (!args.parse(argc, argv)) {
    std::fprintf(stderr, "tickwire decode: %s\n%s", args.error().c_str(), args.usage(kSynopsis).c_str());
    return 2;
  }
  if (args.has("help")) {
    std::fputs(args.usage(kSynopsis).c_str(), stdout);
    return 0;
  }

  FeedInputOptions input;
  input.inputs = args.positional();
  input.eal = args.value("eal").value_or("");
  if (!args.uint_value("idle-exit-ms", input.idle_exit_ms)) {
    std::fprintf(stderr, "tickwire decode: %s\n", args.error().c_str());
    return 2;
  }
  if (input.inputs.empty() == input.eal.empty()) {
    std::fprintf(stderr, "tickwire decode: give INPUT files or --eal, not %s\n%s",
                 input.inputs.empty() ? "neither" : "both", args.usage(kSynopsis).c_str());
    return 2;
  }
  for (const std::string& f : args.values("filter")) {
    const auto endpoint = net::parse_endpoint(f);
    if (!endpoint || !input.filter.add(*endpoint)) {
      std::fprintf(stderr, "tickwire decode: --filter '%s': expected GROUP:PORT (at most %zu)\n", f.c_str(),
                   net::UdpFilter::kMaxEndpoints);
      return 2;
    }
  }
  const auto format = format::parse_output_format(args.value("format").value_or("jsonl"));
  if (!format) {
    std::fprintf(stderr, "tickwire decode: --format must be jsonl, csv, text or none\n");
    return 2;
  }

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

  install_stop_handlers();
  format::MessageWriter writer(out, *format);
  PrintingSink sink{writer, args.has("dedupe")};
  auto counters = std::make_unique<metrics::FeedCounters>();
  auto audit = std::make_unique<feed::SequenceAudit>();
  const FeedRunResult result = run_feed_inputs(input, sink, *counters, *audit, stderr);
  writer.flush();

  if (args.has("stats")) {
    print_feed_report(stderr, *counters, *audit);
    if (sink.dedupe) std::fprintf(stderr, "%-36s %" PRIu64 "\n", "duplicates_not_printed", sink.suppressed);
    for (const auto& [name, port] : result.ports) {
      std::fprintf(stderr, "port %s received=%" PRIu64 " missed=%" PRIu64 " errors=%" PRIu64 " no_mbuf=%" PRIu64 "\n",
                   name.c_str(), port.received, port.missed, port.errors, port.no_mbuf);
    }
  }
  if (writer.failed()) {
    std::fprintf(stderr, "tickwire decode: writing the output failed\n");
    return 1;
  }
  return result.all_inputs_usable ? 0 : 1;
}

}  // namespace tickwire::cli
