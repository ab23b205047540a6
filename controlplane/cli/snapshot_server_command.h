// `tickwire snapshot-server`: builds books from captures (as `tickwire book --at SEQ` does)
// and serves them as a GLIMPSE 5.0 snapshot over SoupBinTCP 3.0 to every client that logs
// in, with faults on demand (a truncated snapshot, a slow server, a refused login): the
// other end of `tickwire book --snapshot`, for tests and drills.
#pragma once

namespace tickwire::cli {

int run_snapshot_server_command(int argc, char** argv);

}  // namespace tickwire::cli
