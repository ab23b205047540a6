// One feed session: a venue's stream (its A and B lines) through the sequencer, the books and
// the stage pipeline, inline on its RX thread or on worker threads behind per-priority rings;
// its journal, alerts and figures. The process (process.h) runs one per [feed.NAME] table
// (or one for the whole configuration) and calls each from its threads:
//
//   control thread:  create() (everything reserved, nothing running) -> start() (the data
//                    threads) -> control() and serve() in its loop, write_out() the journal
//                    -> stop() once finished() -> report().
//   merge thread:    merge() until merged(): the workers' outputs in stream order into the
//                    journal, the alerts worded for a person. It never waits on I/O.
//   data threads:    the RX thread (and workers) the session starts and joins itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/config/app_config.h"
#include "controlplane/format/journal_writer.h"
#include "controlplane/format/sha256.h"
#include "controlplane/recovery/snapshot_join.h"
#include "controlplane/report/figures.h"
#include "controlplane/report/session_report.h"
#include "controlplane/report/summary.h"
#include "controlplane/runtime/control_server.h"
#include "controlplane/runtime/output_merger.h"
#include "controlplane/runtime/stage_factory.h"
#include "controlplane/runtime/stage_plugin.h"
#include "controlplane/runtime/thread_placement.h"
#include "controlplane/session/feed_input.h"
#include "controlplane/session/outbox.h"
#include "controlplane/session/pattern_layer.h"
#include "controlplane/session/session_alerts.h"
#include "dataplane/breakers/stream_breakers.h"
#include "controlplane/session/session_options.h"
#include "controlplane/session/signal_counter.h"
#include "dataplane/book/book_counters.h"
#include "dataplane/book/book_store.h"
#include "dataplane/metrics/arrival_schedule.h"
#include "dataplane/metrics/feed_counters.h"
#include "dataplane/metrics/tsc_clock.h"

namespace tickwire::session {

// What the process gives a feed session to build itself from.
struct FeedSetup {
  std::string name;  // "" when the process runs one session for the whole configuration
  config::AppConfig config;
  FeedInputOptions input;
  SessionOptions options;
  std::uint64_t budget_bytes = 0;  // its share of the memory budget
  std::string budget_source;       // what that budget is, for the refusal message
  std::FILE* say_to = nullptr;     // the process's message outbox: alerts for a person (merge thread)
  metrics::TscClock clock = metrics::TscClock::from_hz(1);  // the process's, calibrated once
  // The pattern layer: where this feed's market updates go (ring null: no pattern layer),
  // and with one feed, the pattern lines its journal takes among its own.
  PatternHookup patterns;
  PatternLines* pattern_lines = nullptr;
  // `ctl pattern ...` on this feed's control socket: the process's pattern layer answers.
  std::function<std::string(const std::string&, const std::function<void()>&)> pattern_command;
};

class FeedSession {
 public:
  // Everything reserved and checked (pools within the budget, stages built, journal open,
  // control socket bound); null with `error` when it cannot start.
  [[nodiscard]] static std::unique_ptr<FeedSession> create(FeedSetup setup, std::string& error);
  virtual ~FeedSession();
  FeedSession(const FeedSession&) = delete;
  FeedSession& operator=(const FeedSession&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return setup_.name; }
  [[nodiscard]] const std::string& who() const noexcept { return who_; }
  [[nodiscard]] InputProgress& progress() noexcept { return *progress_; }
  [[nodiscard]] bool live() const noexcept { return setup_.options.live; }

  // Control thread: the data threads start.
  virtual void start() = 0;
  // Merge thread: one pass; returns the records it moved on. merged() once everything the
  // session will produce has reached its journal outbox (which is then closed).
  virtual std::size_t merge() = 0;
  [[nodiscard]] bool merged() const noexcept { return merged_.load(std::memory_order_acquire); }
  // Control thread: swaps to request, versions and tables to free; `ctl` commands on the
  // session's socket (`keep_io` keeps the process's I/O going while a command waits).
  virtual void control() {}
  void serve(const std::function<void()>& keep_io);
  // Control thread: the end-to-end latency recorded so far (paced or live), asked of the
  // data threads at their next safe point (`keep_io` meanwhile); nothing when it is not
  // measured, or not answered within 200 ms.
  virtual std::optional<metrics::LatencyHistogram> latency_so_far(const std::function<void()>& keep_io) = 0;
  // Control thread: the journal's chunks to its file. finished() once merged and written.
  void write_out();
  [[nodiscard]] bool finished();
  // Control thread, once finished(): joins the data threads.
  virtual void stop() = 0;
  // After stop(): the figures (every counter), the summary's view, and the exit code: 0, 1
  // when an input could not be used, the snapshot failed or an output could not be written.
  int report(report::Figures& figures, report::FeedSummary& summary);

 protected:
  explicit FeedSession(FeedSetup setup);
  // The parts both layouts share, reserved in order; false with `error`.
  bool reserve_common(std::string& error);
  // The command `ctl` sent to this session's socket; the reply.
  virtual std::string command(const std::string& line, const std::function<void()>& keep_io);
  // After stop(): what the layout's threads counted, into totals_, gaps_ and swaps_.
  virtual void gather() = 0;
  // The layout's own figures (the sequencer's among them: summary.gap_messages), its
  // latency and warnings, into the report; false when a latency file could not be written.
  virtual bool report_layout(report::Figures& figures, report::FeedSummary& summary) = 0;
  // options.latency_dir: the stages' and per-message cost, and `more`, as HdrHistogram files.
  bool write_latency_dir(const std::vector<std::pair<std::string, const metrics::LatencyHistogram*>>& more);
  // What the RX thread runs; sets result_ and snapshot_result_, times the run.
  template <class Run>
  void run_rx(Run&& run) {
    runtime::pin_this_thread(placement_.rx);
    rx_started_ns_ = now_ns();
    run();
    rx_ended_ns_ = now_ns();
  }
  // Merge thread, once everything is merged: the journal flushed and its outbox closed.
  void close_journal();
  // Merge thread: one pass over the producers' output rings (merger_), each record in stream
  // order to the journal and the counters; `producers_done` once every producer has finished
  // (then everything left goes out, and the journal closes).
  std::size_t merge_outputs(bool producers_done);
  void emit_record(const sched::OutputRecord& keyed);
  // Merge thread: the pattern lines keyed below `below` into the journal (each after the gaps
  // before its message); how many.
  std::size_t write_pattern_lines(std::uint64_t below);
  static constexpr std::uint64_t kEveryKey = ~std::uint64_t{0};
  [[nodiscard]] static std::uint64_t now_ns() noexcept;
  // The stages' instances for one pipeline (inline, or one per worker), owned here.
  bool add_stages(stages::InlinePipeline& pipeline, std::string& error);

  FeedSetup setup_;
  const config::AppConfig& config_;
  std::string who_;
  runtime::Placement placement_;
  std::optional<metrics::ArrivalSchedule> arrival_;
  bool paced_ = false;
  book::BookStore books_;
  runtime::StageFactory factory_;
  std::unique_ptr<runtime::StagePlugin> plugin_;
  std::function<std::unique_ptr<stages::Stage>()> make_swap_instance_;
  std::vector<std::unique_ptr<stages::Stage>> instances_;
  std::unique_ptr<runtime::ControlServer> control_;

  // The journal: written (formatted) by the RX thread inline or the merge thread, into its
  // outbox; the control thread writes the outbox to the file and hashes what it writes.
  std::unique_ptr<Outbox> journal_outbox_;
  format::Sha256 journal_hash_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_file_{nullptr, &std::fclose};
  std::unique_ptr<format::JournalWriter> journal_;
  std::unique_ptr<SignalCounter> signals_;
  std::unique_ptr<SessionAlerts> alerts_;
  std::unique_ptr<breakers::StreamBreakers> stream_breakers_;  // null without stream-driven breakers

  std::unique_ptr<InputProgress> progress_ = std::make_unique<InputProgress>();
  std::unique_ptr<metrics::FeedCounters> counters_ = std::make_unique<metrics::FeedCounters>();
  book::BookCounters book_counters_;
  FeedRunResult result_;
  recovery::SnapshotResult snapshot_result_;
  std::uint64_t gaps_ = 0;
  std::uint64_t swaps_ = 0;
  report::PipelineTotals totals_;
  std::vector<std::string> warnings_;
  std::thread rx_thread_;
  std::uint64_t rx_started_ns_ = 0;
  std::uint64_t rx_ended_ns_ = 0;
  std::atomic<bool> merged_{false};
  std::unique_ptr<runtime::OutputMerger> merger_;
  // The RX core's tap into the pattern layer (null without one).
  std::unique_ptr<patterns::MarketTap> market_tap_;
  std::atomic<std::uint64_t> swaps_merged_{0};
  bool outbox_written_ = false;

 private:
  void report_common(report::Figures& figures, report::FeedSummary& summary);
  void note_attention(report::FeedSummary& summary);
};

}  // namespace tickwire::session
