// The pattern layer of a process: every feed's market updates (written once by its RX core
// into a broadcast ring of its own) merged into one total order by each pattern thread, the
// [pattern.NAME] instances partitioned among those threads (patterns.workers; 0: one engine
// on the process's merge thread), their signals merged back in order, conflicts between
// instances handled (patterns.conflict_policy), and written: with one feed into its journal
// among its own lines, with several into the process journal (output.journal itself, the
// feeds writing theirs beside it).
//
// Threads: pattern threads run the engines; the merge thread drains their outputs and words
// the lines; the control thread writes the process journal. No RX core ever waits on a
// pattern thread live (a full ring conflates tops, and counts what it drops).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/config/app_config.h"
#include "controlplane/format/pattern_writer.h"
#include "controlplane/format/sha256.h"
#include "controlplane/session/outbox.h"
#include "controlplane/session/process_part.h"
#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/feed_merge.h"
#include "dataplane/patterns/market_tap.h"
#include "dataplane/patterns/feed_symbols.h"
#include "dataplane/patterns/pattern_engine.h"
#include "dataplane/patterns/reference_swap.h"
#include "dataplane/patterns/reference_data.h"
#include "dataplane/metrics/tsc_clock.h"

namespace tickwire::session {

// What a feed's session needs to publish its updates: its ring and its tap's settings.
struct PatternHookup {
  patterns::BroadcastRing<patterns::MarketUpdate>* ring = nullptr;
  patterns::FeedWatermark* watermark = nullptr;
  patterns::MarketTapConfig tap;
};

// Pattern lines for one feed's journal, in the merge order, with how far they are known
// (merge thread).
class PatternLines {
 public:
  virtual ~PatternLines() = default;
  // Every pattern line keyed below this stream key has been handed over (~0: all of them).
  [[nodiscard]] virtual std::uint64_t released_below() const noexcept = 0;
  // The key of the next line handed over (~0: none yet).
  [[nodiscard]] virtual std::uint64_t next_key() const noexcept = 0;
  // Writes that line whole into `journal` (the feed's outbox); null: the line is only counted.
  virtual void write_next(std::FILE* journal) = 0;
};

class PatternLayer final : public ProcessPart, public PatternLines {
 public:
  // Null without [pattern.NAME] tables. `feeds`: the feeds' names by rank ("" for a process
  // of one feed); `day_starts`: each one's session midnight (ns since the epoch).
  [[nodiscard]] static std::unique_ptr<PatternLayer> create(const config::AppConfig& config,
                                                            const std::vector<std::string>& feeds,
                                                            const std::vector<std::uint64_t>& day_starts,
                                                            const std::vector<std::int64_t>& clock_offsets, bool live,
                                                            metrics::TscClock clock, std::string& error);
  ~PatternLayer() override;

  [[nodiscard]] PatternHookup hookup(std::size_t rank);
  // With one feed, its journal takes the lines (else the process journal does).
  [[nodiscard]] PatternLines* lines_for_one_feed() noexcept { return feeds_.size() == 1 ? this : nullptr; }

  void start(const ProcessView& process) override;
  std::size_t merge() override;
  [[nodiscard]] bool merged() const override { return merged_.load(std::memory_order_acquire); }
  void poll(const ProcessView& process) override;
  void write_out() override;
  void stop(const ProcessView& process) override;
  void report(report::Figures& figures) const override;
  bool summarize(report::RunSummary& run) override;

  // Control thread: `tickwire ctl pattern list|add|remove|set ...` and `tickwire ctl
  // securities reload`; the reply ("ok..." or "error: ..."). `keep_io` keeps the process's I/O
  // going while it waits for the pattern threads to take the change.
  std::string command(const std::string& line, const std::function<void()>& keep_io);

  [[nodiscard]] std::uint64_t released_below() const noexcept override {
    return released_below_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t next_key() const noexcept override {
    return ready_.empty() ? ~std::uint64_t{0} : ready_.front().signal.sequence;
  }
  void write_next(std::FILE* journal) override;

 private:
  PatternLayer() = default;
  void run_thread(std::size_t t);
  // Paced or live: the engines time their signals (latency()).
  [[nodiscard]] bool timed() const;
  [[nodiscard]] metrics::LatencyHistogram latency() const;
  void take_outputs();
  void resolve_conflicts(std::uint64_t up_to_time, bool final);
  void word(const patterns::PatternSignal& s, std::size_t engine, format::PatternWriter& writer);

  config::AppConfig config_;
  bool live_ = false;
  metrics::TscClock clock_ = metrics::TscClock::from_hz(1);
  format::PatternNames names_;
  patterns::ReferenceData reference_;
  struct FeedRing {
    std::unique_ptr<patterns::BroadcastRing<patterns::MarketUpdate>> ring;
    std::unique_ptr<patterns::FeedWatermark> watermark;
    patterns::MarketTapConfig tap;
  };
  std::vector<FeedRing> feeds_;
  std::vector<std::unique_ptr<patterns::PatternEngine>> engines_;
  std::vector<std::thread> threads_;
  std::atomic<bool> engines_done_{false};
  std::vector<std::uint64_t> busy_ns_;  // per engine, by the thread that runs it (read after)

  // Merge thread.
  struct Pending {
    patterns::PatternSignal signal;
    std::size_t engine;
    bool dropped = false;
  };
  std::vector<Pending> heap_;      // taken from the engines, not yet past every watermark
  std::deque<Pending> held_;       // in order, waiting out the conflict window
  std::deque<Pending> ready_;      // in order, to be worded
  std::vector<std::uint64_t> last_direction_ns_;  // per security: time of its last signal with a side
  std::vector<std::int8_t> last_direction_;
  std::vector<std::uint32_t> last_instance_;  // per security: the instance that gave it
  std::atomic<std::uint64_t> released_below_{0};
  std::atomic<bool> merged_{false};
  std::vector<std::vector<std::uint64_t>> counts_;  // [template index][kind]
  std::uint64_t conflicting_ = 0;
  std::uint64_t suppressed_ = 0;
  std::uint64_t lagging_notices_ = 0;
  std::unique_ptr<format::PatternWriter> examples_writer_;
  std::size_t examples_ = 0;

  // Control thread: the instances by id, as `ctl pattern` changes them.
  struct Entry {
    patterns::PatternSpec spec;
    std::uint32_t version = 1;
    std::size_t engine = 0;
    bool active = true;
  };
  std::vector<Entry> entries_;
  std::vector<std::size_t> engine_load_;  // active instances per engine
  std::size_t active_ = 0;
  std::string change(const std::string& verb, const std::string& name, std::string_view assignments,
                     const std::function<void()>& keep_io);
  void free_retired();

  // Control thread: the securities file in force and what the pattern threads read of it.
  std::vector<std::string> feed_names_;  // by rank ("" for one unnamed feed)
  std::uint32_t reference_version_ = 1;  // 1: read at start; each reload taken adds one
  // The per-feed symbols: the last is in force, the older ones are kept until every thread
  // has moved on (free_retired).
  std::vector<std::unique_ptr<patterns::FeedSymbols>> feed_symbols_;
  // Reloads sent to the threads (each thread gets one of each), kept until all have taken them.
  std::vector<std::unique_ptr<patterns::ReferenceSwap>> swaps_;
  std::uint64_t reloads_sent_ = 0;  // per thread
  std::string reload_securities(const std::function<void()>& keep_io);

  // The process journal (several feeds): worded on the merge thread, written by the control thread.
  bool process_journal_ = false;
  std::unique_ptr<Outbox> outbox_;
  format::Sha256 journal_hash_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> journal_file_{nullptr, &std::fclose};
  std::unique_ptr<format::PatternWriter> writer_;
  // The one feed's journal (write_next): worded into it as its lines are.
  std::FILE* feed_journal_ = nullptr;
  std::unique_ptr<format::PatternWriter> feed_writer_;
};

}  // namespace tickwire::session
