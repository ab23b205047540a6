// `tickwire send`: plays captures onto a network interface, frame by frame, as a feed's
// sender would (for live tests over a veth pair, and drills).
#pragma once

namespace tickwire::cli {

int run_send_command(int argc, char** argv);

}  // namespace tickwire::cli
