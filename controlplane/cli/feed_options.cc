#include "controlplane/cli/feed_options.h"

namespace tickwire::cli {

std::vector<OptionSpec> feed_input_option_specs() {
  return {
      {"filter", true, "only datagrams to GROUP:PORT (repeatable; * or 0 = any)"},
      {"eal", true, "read DPDK ports instead of files, e.g. \"--no-huge --vdev=net_pcap0,rx_pcap=F\""},
      {"idle-exit-ms", true, "with --eal: stop after this long without packets (0 = never; default 1000)"},
      {"help", false, "this text"},
  };
}

ArgParser feed_command_parser(std::string_view command, std::vector<OptionSpec> own_options) {
  for (const OptionSpec& s : feed_input_option_specs()) own_options.push_back(s);
  return ArgParser(command, std::move(own_options));
}

std::optional<int> parse_feed_command(ArgParser& args, int argc, char** argv, std::string_view synopsis,
                                      session::FeedInputOptions& input, std::string_view more_help) {
  if (auto code = args.parse_command_line(argc, argv, synopsis, more_help)) return code;
  std::string error;
  if (!parse_feed_input_options(args, input, error)) return args.usage_error(error, synopsis);
  return std::nullopt;
}

bool parse_feed_input_options(ArgParser& args, session::FeedInputOptions& options, std::string& error) {
  options.inputs = args.positional();
  options.eal = args.value("eal").value_or("");
  if (!args.uint_value("idle-exit-ms", options.idle_exit_ms)) {
    error = args.error();
    return false;
  }
  if (options.inputs.empty() == options.eal.empty()) {
    error = std::string("give INPUT files or --eal, not ") + (options.inputs.empty() ? "neither" : "both");
    return false;
  }
  for (const std::string& f : args.values("filter")) {
    const auto endpoint = net::parse_endpoint(f);
    if (!endpoint || !options.filter.add(*endpoint)) {
      error = "--filter '" + f + "': expected GROUP:PORT (at most " + std::to_string(net::UdpFilter::kMaxEndpoints) +
              ")";
      return false;
    }
  }
  return true;
}

}  // namespace tickwire::cli
