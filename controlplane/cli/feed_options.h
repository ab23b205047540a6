// The command-line options of every command that reads a feed (decode, book, audit, the
// servers): input files or --eal, --filter, --idle-exit-ms, --help.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/session/feed_input.h"

namespace tickwire::cli {


// The options every command that reads a feed takes: --filter, --eal, --idle-exit-ms, --help.
std::vector<OptionSpec> feed_input_option_specs();
// A parser for a feed-reading command: its own options, then the common ones.
ArgParser feed_command_parser(std::string_view command, std::vector<OptionSpec> own_options);
// parse_command_line(), then the input options. Returns an exit code when the command stops.
std::optional<int> parse_feed_command(ArgParser& args, int argc, char** argv, std::string_view synopsis,
                                      session::FeedInputOptions& input, std::string_view more_help = {});
// Fills `options` from the parsed arguments (positional arguments are the input files).
// False with `error` set on a bad value or when neither or both of files and --eal are given.
bool parse_feed_input_options(ArgParser& args, session::FeedInputOptions& options, std::string& error);

}  // namespace tickwire::cli
