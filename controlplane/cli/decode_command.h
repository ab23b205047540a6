// `tickwire decode`: every ITCH message of captures, BinaryFILEs or DPDK ports, printed.
#pragma once

namespace tickwire::cli {

int run_decode_command(int argc, char** argv);

}  // namespace tickwire::cli
