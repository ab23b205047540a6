// `tickwire ctl`: adjusts a running session through its control socket (promote a symbol,
// change a stage's parameters or implementation, change the classification, read counters).
#pragma once

namespace tickwire::cli {

inline constexpr const char* kDefaultControlSocket = "/tmp/tickwire.sock";

int run_ctl_command(int argc, char** argv);

}  // namespace tickwire::cli
