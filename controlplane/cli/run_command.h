// `tickwire run`: the appliance, live. DPDK ports (input.eal) through the RX core, the books
// and the stage pipeline on worker lcores, until SIGINT or SIGTERM; then the final report.
#pragma once

namespace tickwire::cli {

int run_run_command(int argc, char** argv);

}  // namespace tickwire::cli
