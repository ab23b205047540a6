// The tickwire command. It starts on the main lcore, which is the control plane.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "controlplane/cli/audit_command.h"
#include "controlplane/cli/bench_command.h"
#include "controlplane/cli/book_command.h"
#include "controlplane/cli/ctl_command.h"
#include "controlplane/cli/decode_command.h"
#include "controlplane/cli/replay_command.h"
#include "controlplane/cli/rerequest_server_command.h"
#include "controlplane/cli/run_command.h"
#include "controlplane/cli/send_command.h"
#include "controlplane/cli/snapshot_server_command.h"
#include "controlplane/cli/score_command.h"
#include "pcap_samples/generator/generate_command.h"

namespace {

struct Command {
  std::string_view name;
  int (*run)(int, char**);
  std::string_view summary;
};

constexpr Command kCommands[] = {
    {"decode", tickwire::cli::run_decode_command, "print every ITCH 5.0 message of captures, BinaryFILEs or DPDK ports"},
    {"book", tickwire::cli::run_book_command, "build full-depth order books and print them (or their sha256)"},
    {"replay", tickwire::cli::run_replay_command, "captures through sequencer, books and stages; a deterministic journal"},
    {"run", tickwire::cli::run_run_command, "the appliance, live: DPDK ports through books, rings and worker stages"},
    {"ctl", tickwire::cli::run_ctl_command, "adjust a running session: promote a symbol, swap a stage, read counters"},
    {"audit", tickwire::cli::run_audit_command, "list every sequence gap of captures (JSON lines)"},
    {"rerequest-server", tickwire::cli::run_rerequest_server_command, "answer MoldUDP64 re-requests from captures"},
    {"snapshot-server", tickwire::cli::run_snapshot_server_command, "serve books from captures as GLIMPSE snapshots (SoupBinTCP)"},
    {"send", tickwire::cli::run_send_command, "play captures onto a network interface (live tests, drills)"},
    {"generate", tickwire::cli::run_generate_command, "write a deterministic ITCH scenario (BinaryFILE or MoldUDP64 pcap)"},
    {"score", tickwire::cli::run_score_command, "pattern signals against a generated scenario's episodes: recall, false signals"},
    {"bench", tickwire::cli::run_bench_command, "benchmarks: decode + book, the whole pipeline (figures, not tests)"},
};

int usage(std::FILE* out) {
  std::fputs("usage: tickwire COMMAND [options]   (tickwire COMMAND --help for its options)\n\ncommands:\n", out);
  for (const Command& c : kCommands) {
    std::fprintf(out, "  %-16.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(stderr);
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return usage(stdout);
  for (const Command& c : kCommands) {
    if (c.name == name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "tickwire: unknown command '%s'\n", argv[1]);
  return usage(stderr);
}
