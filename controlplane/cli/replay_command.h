// `tickwire replay`: captures through the whole data path in inline mode (one core, no
// rings): sequencer, books, events, the stage pipeline; a deterministic journal.
#pragma once

namespace tickwire::cli {

int run_replay_command(int argc, char** argv);

}  // namespace tickwire::cli
