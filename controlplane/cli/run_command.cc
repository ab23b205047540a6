#include "controlplane/cli/run_command.h"

#include <cstdio>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/ctl_command.h"
#include "controlplane/cli/pipeline_options.h"
#include "controlplane/session/process.h"

namespace tickwire::cli {

namespace {
constexpr std::string_view kSynopsis = "[--config FILE] [--set KEY=VALUE]... [--eal \"EAL ARGUMENTS\"] [options]";
constexpr std::string_view kMoreHelp =
    "\nThe ports come from the EAL arguments (input.eal), e.g.\n"
    "  --eal \"-l 0-2 -a 0000:3b:00.0\"                      a NIC bound to vfio-pci\n"
    "  --eal \"--vdev=net_af_packet0,iface=eth1\"            a kernel interface\n"
    "  --eal \"--no-huge --vdev=net_pcap0,rx_pcap=day.pcap\" a capture, at DPDK speed\n"
    "Without free hugepages, EAL starts with --no-huge (and says so). It runs until SIGINT or\n"
    "SIGTERM (or input.idle_exit_ms without packets, when set), then prints the final report.\n"
    "Several feeds in one process: a [feed.NAME] table each in the --config file, naming the\n"
    "ports it polls (input.ports); see the end of config/tickwire.toml.\n";
}  // namespace

int run_run_command(int argc, char** argv) {
  std::vector<OptionSpec> specs = pipeline_option_specs();
  specs.insert(specs.end() - 1, {"latency-dir", true, "write every latency histogram (per stage, per message, end to "
                                                      "end per class) as HdrHistogram percentile files into DIR"});
  ArgParser args("run", std::move(specs));
  if (auto code = args.parse_command_line(argc, argv, kSynopsis, kMoreHelp)) return *code;
  config::AppConfig config = config::default_config();
  config.idle_exit_ms = 0;  // live: a quiet market is not the end of the session
  config.workers = 1;       // live: the stages run on their own lcore, behind the rings
  config.control_socket = kDefaultControlSocket;  // tickwire ctl finds it without being told
  std::string error;
  if (!build_config(args, config, error)) return args.usage_error(error, kSynopsis);
  // Inline (workers.count = 0) the one thread is the RX core and serves no commands: the
  // default socket goes away with the workers (a socket asked for explicitly is refused).
  if (config.workers == 0 && config.control_socket == kDefaultControlSocket) config.control_socket.clear();
  if (args.has("print-config-reference")) {
    std::fputs(config::reference_markdown(config).c_str(), stdout);
    return 0;
  }
  if (args.has("print-config")) {
    std::fputs(config::to_toml(config).c_str(), stdout);
    return 0;
  }
  if (!args.positional().empty()) {
    return args.usage_error("takes no INPUT files (tickwire replay reads captures); the ports come from input.eal",
                            kSynopsis);
  }
  if (config.eal.empty()) {
    return args.usage_error("no ports: give --eal \"EAL ARGUMENTS\" or input.eal in the --config file", kSynopsis);
  }
  if (config.replay_rate != 0 || config.replay_speed != 0) {
    return args.usage_error("replay.rate and replay.speed pace a replay; live packets come at the market's pace",
                            kSynopsis);
  }
  session::FeedInputOptions input;
  if (!feed_input_from_config(args, config, input, error)) return args.usage_error(error, kSynopsis);
  session::SessionOptions options;
  options.command = "run";
  options.live = true;
  options.latency_dir = args.value("latency-dir").value_or("");
  return session::run_process(config, input, options);
}

}  // namespace tickwire::cli
