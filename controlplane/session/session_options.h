// What a command asks of a session beyond its configuration: replay or live, scripted swaps,
// where latency files go.
#pragma once

#include <cstdint>
#include <string>

namespace tickwire::session {

struct SessionOptions {
  std::string command = "replay";  // names the command in messages
  // Live: rings follow their configured full policy (low may shed), latency is measured from
  // each packet's receipt, outputs never wait. Replay: every ring applies backpressure, so no
  // decision depends on timing; latency is measured only when paced.
  bool live = false;
  // Scripted hot swaps (backtests of a parameter change; the swap storm of the tests):
  // slot 0 gets a fresh instance at every multiple of this many messages.
  std::uint64_t swap_every = 0;
  std::string swap_plugin;  // the new instances come from this shared object
  std::string swap_params;
  std::string latency_dir;  // every histogram as an HdrHistogram percentile file
  // A progress line on the terminal while a replay runs (only when stderr is one).
  bool progress = true;
};

}  // namespace tickwire::session
