#include "controlplane/cli/ctl_command.h"

#include <cstdio>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/config/app_config.h"
#include "controlplane/runtime/control_server.h"

namespace tickwire::cli {

namespace {
constexpr std::string_view kSynopsis = "[--socket PATH] [--feed NAME] COMMAND [ARGUMENTS]...";
constexpr std::string_view kMoreHelp =
    "\ncommands (answered by the running session; `help` lists them with what they do):\n"
    "  stats                          counters: messages queued and shed per worker and class, signals\n"
    "  config                         the settings running now, as TOML\n"
    "  promote SYMBOL CLASS           every message of SYMBOL at least CLASS (critical, high, normal, low)\n"
    "  demote SYMBOL                  back to what its events say\n"
    "  set KEY=VALUE                  a stage.* key: hot-swaps that stage with the new setting;\n"
    "                                 a classification.* key: replaces the classification table\n"
    "  pattern list|add|set|remove ...  the [pattern.NAME] instances while they run (`pattern help`)\n"
    "  securities reload              read patterns.securities_file again; a bad file is refused with\n"
    "                                 its line and key, and the data in force stays\n"
    "  breaker list|set|open|close|auto ...  the circuit breakers while they run (`help`)\n"
    "Exit status: 0 when the session answered ok, 1 when it refused (the reply says why), 2 when\n"
    "no session answered.\n";
}  // namespace

int run_ctl_command(int argc, char** argv) {
  ArgParser args("ctl", {{"socket", true, "the session's control.socket (default /tmp/tickwire.sock)"},
                         {"feed", true, "of a process running several feeds: feed NAME's socket (control.socket "
                                        "with .NAME before its extension)"},
                         {"timeout-ms", true, "how long to wait for the answer (default 5000)"},
                         {"help", false, "this text"}});
  if (auto code = args.parse_command_line(argc, argv, kSynopsis, kMoreHelp)) return *code;
  if (args.positional().empty()) return args.usage_error("no COMMAND", kSynopsis);
  std::uint64_t timeout_ms = 5000;
  if (!args.uint_value("timeout-ms", timeout_ms)) return args.usage_error(args.error(), kSynopsis);
  std::string command;
  for (const std::string& word : args.positional()) command += (command.empty() ? "" : " ") + word;
  std::string error;
  std::string socket = args.value("socket").value_or(kDefaultControlSocket);
  if (const auto feed = args.value("feed")) socket = config::with_feed_name(socket, *feed);
  const std::string reply =
      runtime::send_control_command(socket, command, static_cast<int>(timeout_ms), error);
  if (reply.empty()) {
    std::fprintf(stderr, "tickwire ctl: %s\n", error.c_str());
    return 2;
  }
  std::fputs(reply.c_str(), stdout);
  return reply.rfind("ok", 0) == 0 ? 0 : 1;
}

}  // namespace tickwire::cli
