// `tickwire replay`: captures through the whole data path (sequencer, books, events, the
// stage pipeline, inline or on worker threads), as fast as possible or paced; a journal that
// is the same on every run.
#pragma once

namespace tickwire::cli {

int run_replay_command(int argc, char** argv);

}  // namespace tickwire::cli
