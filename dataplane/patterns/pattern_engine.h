// One pattern thread's engine: every feed's updates merged into the total order, the
// securities named across feeds, the market state kept once per security, each update
// handed to the instances that watch its security, each batch (the updates of one time)
// closed by the instances that compare securities, and their signals stamped with the key
// of the batch that fired them and handed to the merge thread through an output ring.
//
// Nothing here allocates once built: the directory, the market state, the watch lists and
// the batch's buffers are sized from the configuration at start-up; what does not fit is
// refused and counted.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dataplane/core/mapped_array.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/metrics/tsc_clock.h"
#include "dataplane/patterns/feed_merge.h"
#include "dataplane/patterns/market_state.h"
#include "dataplane/patterns/pattern_instance.h"
#include "dataplane/patterns/pattern_signal.h"
#include "dataplane/patterns/security_directory.h"
#include "dataplane/sched/spsc_ring.h"

namespace tickwire::patterns {

// A change to a running thread's instances, from the control thread (`tickwire ctl
// pattern`): taken at the start of the next batch, so it is in force from that batch's first
// update on (its merge key, journaled). A replaced instance starts afresh: its windows are
// empty and it warms up again.
struct PatternChange {
  enum class Kind : std::uint8_t { kAdd, kRemove, kReplace };
  Kind kind = Kind::kAdd;
  std::uint32_t id = 0;                    // the instance (its [pattern.NAME]) by id
  PatternInstance* instance = nullptr;     // add, replace: the new one (the thread's once taken)
};

class FeedSymbols;
struct ReferenceSwap;

struct EngineConfig {
  std::uint32_t max_securities = 16'384;
  std::uint32_t max_instruments = 16'384;   // per feed
  std::size_t feeds = 1;
  std::size_t output_records = 16'384;       // signals waiting for the merge thread
  std::size_t batch_signals = 4'096;         // signals one batch may raise
  std::size_t batch_securities = 65'536;     // securities one batch may touch
  std::uint32_t max_instances = 16'384;      // instances at once, those added live included
  bool live = false;                         // a full output ring drops (counted) instead of waiting
  bool journal_merge_notices = false;        // this thread's merge notices go out (one thread's do)
  // The process clock: with it, a signal whose key update came timed (paced or live) records
  // the time from that message's arrival to the signal on the output ring.
  const metrics::TscClock* clock = nullptr;
  // The securities file's per-feed symbols at start (null: every feed names a security by
  // its symbol); the control thread keeps it alive.
  const FeedSymbols* feed_symbols = nullptr;
};

struct EngineCounters {
  std::uint64_t updates = 0;
  std::uint64_t batches = 0;
  std::uint64_t unnamed_updates = 0;     // an instrument no update has named yet
  std::uint64_t signals = 0;
  std::uint64_t signals_dropped = 0;     // live: the output ring was full
  std::uint64_t batch_signals_refused = 0;
  std::uint64_t batch_securities_refused = 0;
  std::uint64_t watch_nodes_refused = 0;
  std::uint64_t days_begun = 0;
  std::uint64_t stale_marks = 0;
  std::uint64_t changes = 0;             // instances added, removed or replaced while running
  std::uint64_t reloads = 0;             // securities files taken while running
};

class PatternEngine final : private SignalOut {
 public:
  PatternEngine(const EngineConfig& config, std::vector<MergeSource> sources, FeedMerge::Mode mode,
                std::uint64_t max_hold_ns = 0);
  ~PatternEngine() override;
  [[nodiscard]] bool ok() const noexcept;

  // Before it runs: the instances this thread runs, each with its legs by name; then seal()
  // (what it reserves, it reserves there, not on the thread; poll() seals if not yet done).
  void add(std::unique_ptr<PatternInstance> instance);
  void seal();

  // Control thread, while it runs: a change to take at the next batch (false: too many
  // waiting; try again). Instances it replaced or removed come back through retired(), to be
  // freed there; so do those of changes never taken, once the thread has finished.
  [[nodiscard]] bool request(const PatternChange& change) noexcept { return changes_.try_push(change); }
  [[nodiscard]] std::unique_ptr<PatternInstance> retired() noexcept;
  // The changes taken so far (control thread: to know one is in force).
  [[nodiscard]] std::uint64_t changes_taken() const noexcept { return changes_taken_.load(std::memory_order_acquire); }
  // Control thread: a reloaded securities file to take (reference_swap.h says how); false:
  // too many waiting. The swap stays the control thread's: once reloads_done() counts it
  // (taken or cancelled) the thread no longer reads it, and the instances it took are its own.
  [[nodiscard]] bool request(ReferenceSwap* swap) noexcept { return reloads_.try_push(swap); }
  [[nodiscard]] std::uint64_t reloads_done() const noexcept { return reloads_done_.load(std::memory_order_acquire); }

  // One pass: takes what the merge releases (at most `budget` updates); returns how many.
  // `now_ns`: the thread's clock, for live holds.
  std::size_t poll(std::uint64_t now_ns, std::size_t budget = 4096) noexcept;
  // Every feed has ended and every update has been taken; the last batch is closed.
  [[nodiscard]] bool finished() noexcept;

  [[nodiscard]] sched::SpscRing<PatternSignal>& output() noexcept { return output_; }
  // Every signal this thread will put on its output ring below this key has been put there
  // (the merge thread releases the signals of all threads up to their least watermark).
  [[nodiscard]] std::uint64_t watermark_time() const noexcept { return watermark_.load(std::memory_order_acquire); }
  // The same as a stream key of the feed whose update closed the last batch: with one feed,
  // every signal keyed below it is on the ring.
  [[nodiscard]] std::uint64_t watermark_sequence() const noexcept {
    return watermark_sequence_.load(std::memory_order_acquire);
  }
  [[nodiscard]] bool output_finished() const noexcept { return output_finished_.load(std::memory_order_acquire); }

  [[nodiscard]] const EngineCounters& counters() const noexcept { return counters_; }
  // Arrival of the message that completed a signal's batch to the signal handed over (read
  // once the thread has finished).
  [[nodiscard]] const metrics::LatencyHistogram& latency() const noexcept { return latency_; }
  [[nodiscard]] const MergeCounters& merge_counters() const noexcept { return merge_.counters(); }
  [[nodiscard]] const SecurityDirectory& directory() const noexcept { return directory_; }
  [[nodiscard]] const MarketState& market() const noexcept { return market_; }

 private:
  PatternSignal* signal(PatternSignalKind kind, const MarketUpdate* key) noexcept override;

  void take(const MarketUpdate& u) noexcept;
  void name_instrument(const MarketUpdate& u) noexcept;
  void begin_day(std::uint16_t feed) noexcept;
  void mark_stale(std::uint16_t feed) noexcept;
  void watch(std::uint32_t security, std::uint32_t instance) noexcept;
  void resolve(std::uint32_t security) noexcept;
  void touch(std::uint32_t security, const MarketUpdate& u) noexcept;
  void close_batch() noexcept;
  void emit_batch() noexcept;
  static void stamp(PatternSignal& s, const MarketUpdate& key) noexcept;
  bool flush_held() noexcept;
  void publish_watermark() noexcept;
  void take_merge_notices(const MarketUpdate& at) noexcept;
  void take_changes(const MarketUpdate& at) noexcept;
  [[nodiscard]] bool parked_for_reload(const MarketUpdate& next) noexcept;
  void take_reload(const MarketUpdate& at) noexcept;
  void replace(std::uint32_t slot, PatternInstance* instance) noexcept;
  void attach(std::uint32_t slot) noexcept;
  void detach(std::uint32_t slot) noexcept;
  void unwatch(std::uint32_t security, std::uint32_t slot) noexcept;
  void change_notice(PatternSignalKind kind, const PatternInstance& instance, const MarketUpdate& at) noexcept;
  // The batch's next signal slot, zeroed (null, counted, when the batch is full).
  PatternSignal* claim_batch_signal(bool needs_key) noexcept;

  EngineConfig config_;
  FeedMerge merge_;
  SecurityDirectory directory_;
  MarketState market_;
  std::vector<std::unique_ptr<PatternInstance>> instances_;  // by slot; null: removed
  MappedArray<std::uint32_t> slot_of_;                        // by instance id
  std::vector<PatternInstance*> wildcards_;
  std::vector<PatternInstance*> update_wildcards_;  // those of them that read every update
  // Watch lists: per security the head of a singly linked list of (instance, next) nodes
  // from a pool sized by the instances' legs; per security too, how many of its watchers
  // read every update (0 for most: the update loop is skipped).
  struct WatchNode {
    std::uint32_t instance;
    std::uint32_t next;
    bool reads_updates;
  };
  MappedArray<std::uint32_t> watch_heads_;
  MappedArray<std::uint32_t> update_watchers_;
  std::vector<std::uint64_t> slot_batch_;  // by slot: the last batch it was due in (sized at seal)
  std::vector<std::uint32_t> due_;         // the slots due at this batch's end
  std::vector<WatchNode> watch_nodes_;
  std::uint32_t free_nodes_;  // nodes unlinked by removals, chained by `next`, reused first
  // Legs named before any feed named their security: (symbol, instance, leg), resolved when
  // the security is first named.
  struct PendingLeg {
    Symbol symbol;
    std::uint32_t instance;
    std::uint32_t leg;
  };
  std::vector<PendingLeg> pending_legs_;

  // The batch in progress.
  bool batch_open_ = false;
  std::uint64_t batch_time_ = 0;
  std::uint64_t batch_number_ = 0;
  MarketUpdate batch_last_{};
  MappedArray<std::uint64_t> touched_stamp_;  // per security: the batch that last touched it
  MappedArray<std::uint32_t> touched_index_;  // per security: its place in touched_
  std::vector<std::uint32_t> touched_;
  std::vector<MarketUpdate> last_touch_;
  std::vector<PatternSignal> batch_signals_;
  std::vector<std::uint8_t> needs_key_;  // by the same index: keyed by the batch's last update
  std::size_t batch_signal_count_ = 0;
  std::size_t held_from_ = 0;  // batch signals from here on wait for room on the output ring
  bool holding_ = false;       // a closed batch's signals wait for room: nothing moves meanwhile
  PatternInstance* current_ = nullptr;  // the instance being called, whose signals these are
  bool sealed_ = false;

  sched::SpscRing<PatternSignal> output_;
  sched::SpscRing<PatternChange> changes_;
  sched::SpscRing<PatternInstance*> retired_;
  sched::SpscRing<ReferenceSwap*> reloads_;
  const FeedSymbols* feed_symbols_ = nullptr;
  std::atomic<std::uint64_t> reloads_done_{0};
  std::atomic<std::uint64_t> changes_taken_{0};
  alignas(kCacheLine) std::atomic<std::uint64_t> watermark_{0};
  std::atomic<std::uint64_t> watermark_sequence_{0};
  std::atomic<bool> output_finished_{false};
  EngineCounters counters_;
  metrics::LatencyHistogram latency_;
};

}  // namespace tickwire::patterns
