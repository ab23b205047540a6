// `tickwire rerequest-server`: answers MoldUDP64 re-requests from captures, the way an
// exchange's request server does, with faults on demand (for recovery tests and drills).
#pragma once

namespace tickwire::cli {

int run_rerequest_server_command(int argc, char** argv);

}  // namespace tickwire::cli
