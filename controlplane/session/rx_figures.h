// What `tickwire ctl stats` shows of the RX core while a session runs: its feed counters
// (packets, messages by type, drops by reason), the sequencer's figures (gaps, duplicates,
// per line), the book anomalies and what the router did. The RX core copies them at a safe
// point when the control plane asks (FigureSnapshot), so its counters stay plain.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "controlplane/report/figures.h"
#include "dataplane/book/book_counters.h"
#include "dataplane/core/figure_snapshot.h"
#include "dataplane/feed/sequencer.h"
#include "dataplane/metrics/feed_counters.h"
#include "dataplane/sched/event_router.h"

namespace tickwire::session {

struct RxFigures {
  metrics::FeedCounters feed;
  feed::SequencerStats sequencer;
  std::uint64_t line_missing[2] = {0, 0};
  book::BookCounters book;
  sched::RouterStats router;
};

// What the RX loop calls at each safe point (the end of a burst, an idle poll).
struct RxSafePoint {
  virtual void serve() noexcept = 0;

 protected:
  ~RxSafePoint() = default;
};

// The RX core's figures under the names of the final report.
void add_rx_figures(report::Figures& out, const RxFigures& figures);
// As "key value" lines for `ctl stats`, after "rx.answered 1".
std::string format_rx_stats(const RxFigures& figures);
// Any figures as the "key value" lines --stats prints.
std::string figures_text(const report::Figures& figures);
// The same, asked of the RX core; `while_waiting()` keeps the control plane's work going
// meanwhile (the RX core may be waiting for it). `if_stopped(out)` fills `out` with the final
// figures and returns true once the RX core has stopped (it serves no more requests then):
// asked first, and again when no answer came, since the RX core may stop while asked. A
// line saying the RX core did not answer when it did not within `wait`.
std::string fetch_rx_stats(FigureSnapshot<RxFigures>& snapshot, std::chrono::microseconds wait,
                           const std::function<void()>& while_waiting,
                           const std::function<bool(RxFigures&)>& if_stopped);

}  // namespace tickwire::session
