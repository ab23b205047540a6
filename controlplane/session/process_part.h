// A process-wide part that runs beside the feed sessions: status lines today; the pattern
// layer's merge, market-scope breakers, the metrics endpoint and the outputs as they come.
// The process starts each after the feeds, polls each from its control loop (the control
// thread: a part never blocks it), merges each on the merge thread, stops each once every
// feed has finished, and asks each for its figures for the report.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "controlplane/report/figures.h"
#include "controlplane/report/summary.h"

namespace tickwire::session {

class FeedSession;

// What a part may use of the process, on the control thread.
struct ProcessView {
  const std::vector<std::unique_ptr<FeedSession>>& feeds;
  // Keeps the process's I/O going (outboxes written, swaps forwarded) while a part waits.
  std::function<void()> keep_io;
  // Before text goes to the terminal: the progress line makes way.
  std::function<void()> clear_terminal;
};

class ProcessPart {
 public:
  virtual ~ProcessPart() = default;
  virtual void start(const ProcessView&) {}
  virtual void poll(const ProcessView& process) = 0;
  // Control thread, also while a command waits: what the part owes the merge thread (its
  // outboxes written out), nothing else.
  virtual void write_out() {}
  // Merge thread: one pass of what the part merges (the pattern layer's signals); the records
  // it moved. The merge thread ends once every feed and every part has merged().
  virtual std::size_t merge() { return 0; }
  [[nodiscard]] virtual bool merged() const { return true; }
  virtual void stop(const ProcessView&) {}
  virtual void report(report::Figures&) const {}
  // After stop(): its part of the summary, and what needs a look; false when an output it
  // owns could not be written (the exit code says so).
  virtual bool summarize(report::RunSummary&) { return true; }
};

}  // namespace tickwire::session
