// `tickwire generate`: the scenario generator from the command line.
#pragma once

namespace tickwire::cli {

// argv[0] is "generate". Returns the process exit code: 0 done, 1 failed while generating or
// writing, 2 bad usage (the message names the option).
int run_generate_command(int argc, char** argv);

}  // namespace tickwire::cli
