// A process that runs several feed sessions ([feed.NAME] tables): each session is what
// run_pipeline_session() runs for one feed, with its own RX thread polling its lines, its own
// sequencer, books, workers and journal, side by side with the others. What they share is
// the process: one EAL (its ports opened once, each given to the one feed that names it),
// the stop signal, the memory budget (split evenly), the control CPU.
#pragma once

#include "controlplane/session/feed_input.h"
#include "controlplane/session/pipeline_session.h"
#include "controlplane/config/app_config.h"

namespace tickwire::session {

// Without feeds, the one session. With them, every feed's session; the reports come once all
// have ended, one feed after the other, each line prefixed "feed.NAME.". The exit code is
// the worst of the sessions' (a stop by signal before any other).
int run_feed_sessions(const config::AppConfig& config, const FeedInputOptions& input, const SessionOptions& options);

}  // namespace tickwire::session
