// The command line of the commands that run the pipeline (replay, run): a configuration
// file, `--set KEY=VALUE` overrides, and short flags for the keys used most. Every flag is
// one key of the configuration (config/tickwire.toml lists them all), so a flag and the file
// can never disagree about what a setting means, and errors name the key.
#pragma once

#include <string>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/session/feed_input.h"
#include "controlplane/config/app_config.h"

namespace tickwire::cli {

// --config, --set, --print-config, and the flags that stand for single keys.
std::vector<OptionSpec> pipeline_option_specs();

// Over `config` (the command's defaults): --config FILE, then the flags, then each --set in
// order; then the whole is validated. False with `error` naming the key (and file line, or
// flag).
bool build_config(const ArgParser& args, config::AppConfig& config, std::string& error);

// The inputs: the positional files (else input.files), or the ports of input.eal; the
// filters of input.filter.
bool feed_input_from_config(const ArgParser& args, const config::AppConfig& config, session::FeedInputOptions& input,
                            std::string& error);

}  // namespace tickwire::cli
