#include "controlplane/cli/replay_command.h"

#include <cstdio>
#include <string>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/pipeline_options.h"
#include "controlplane/session/process.h"

namespace tickwire::cli {

namespace {
constexpr std::string_view kSynopsis =
    "[options] INPUT...   (pcap, pcapng or BinaryFILE; .gz too; or input.files, or each [feed.NAME]'s)";
}  // namespace

int run_replay_command(int argc, char** argv) {
  std::vector<OptionSpec> specs = pipeline_option_specs();
  specs.insert(specs.end() - 1,
               {
                   {"swap-every", true, "hot-swap pipeline slot 0 for a fresh instance every N messages "
                                        "(a scripted swap storm; recorded in the journal)"},
                   {"swap-plugin", true, "with --swap-every: the new instances come from this shared "
                                         "object (dlopen), e.g. build/dataplane/tickwire_large_trade.so"},
                   {"swap-params", true, "with --swap-plugin: its parameter string (e.g. min_shares=5000)"},
                   {"latency-dir", true, "write every latency histogram (per stage, per message, end to end "
                                         "per class) as HdrHistogram percentile files into DIR"},
               });
  ArgParser args("replay", std::move(specs));
  if (auto code = args.parse_command_line(argc, argv, kSynopsis)) return *code;
  config::AppConfig config = config::default_config();
  std::string error;
  if (!build_config(args, config, error)) return args.usage_error(error, kSynopsis);
  if (args.has("print-config-reference")) {
    std::fputs(config::reference_markdown(config).c_str(), stdout);
    return 0;
  }
  if (args.has("print-config")) {
    std::fputs(config::to_toml(config).c_str(), stdout);
    return 0;
  }
  session::FeedInputOptions input;
  if (!feed_input_from_config(args, config, input, error)) return args.usage_error(error, kSynopsis);

  session::SessionOptions options;
  options.command = "replay";
  if (!args.uint_value("swap-every", options.swap_every)) return args.usage_error(args.error(), kSynopsis);
  options.swap_plugin = args.value("swap-plugin").value_or("");
  options.swap_params = args.value("swap-params").value_or("");
  options.latency_dir = args.value("latency-dir").value_or("");
  if (args.has("swap-plugin") && options.swap_every == 0) {
    return args.usage_error("--swap-plugin needs --swap-every", kSynopsis);
  }
  if (args.has("swap-params") && !args.has("swap-plugin")) {
    return args.usage_error("--swap-params needs --swap-plugin", kSynopsis);
  }
  return session::run_process(config, input, options);
}

}  // namespace tickwire::cli
