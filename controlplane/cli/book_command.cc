#include "controlplane/cli/book_command.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/book_options.h"
#include "controlplane/cli/feed_options.h"
#include "controlplane/session/book_run.h"

namespace tickwire::cli {

namespace {
constexpr std::string_view kSynopsis = "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too)";
}  // namespace

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
  session::BookRunOptions run;
  session::BookBuildOptions& options = run.build;
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
  run.snapshot_server = snapshot_server;
  run.snapshot_wait_ms = static_cast<int>(snapshot_wait_ms);
  if (const auto server = args.value("recovery")) {
    run.recovery_server = net::parse_endpoint(*server);
    if (!run.recovery_server || run.recovery_server->address == 0 || run.recovery_server->port == 0) {
      return args.usage_error("--recovery: expected IP:PORT", kSynopsis);
    }
    std::uint64_t attempts = run.recovery_attempts;
    if (!args.uint_value("recovery-attempts", attempts) || !args.uint_value("recovery-retry-ms", run.recovery_retry_ms) ||
        attempts == 0 || attempts > 100) {
      return args.usage_error("--recovery-attempts 1..100, --recovery-retry-ms N", kSynopsis);
    }
    run.recovery_attempts = static_cast<std::uint32_t>(attempts);
  }
  if (args.has("depth")) run.depth = depth;
  run.digest = args.has("digest");
  run.stats = args.has("stats");
  return session::run_book(input, run);
}


}  // namespace tickwire::cli
