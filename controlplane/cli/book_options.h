// The options that decide what books `tickwire book` and `tickwire snapshot-server` build:
// --at, pool sizes, sequencing.
#pragma once

#include <string>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/session/book_build.h"

namespace tickwire::cli {

std::vector<OptionSpec> book_build_option_specs();
// False with `error` set on a bad value.
bool parse_book_build_options(ArgParser& args, session::BookBuildOptions& options, std::string& error);

}  // namespace tickwire::cli
