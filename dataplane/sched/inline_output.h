// The inline layout's output (workers.count = 0): what the RX core's own pipeline retires and
// signals, as keyed output records on a ring the merge thread reads, exactly as it reads a
// worker's. The journal is then formatted off the data core, and merged (with gaps and the
// pattern layer's signals) the same way on every layout.
//
// Messages are keyed as the router keys them (events::StreamKeys: the session's ordinal
// above the feed sequence); each message's events carry the key while the stages run, and
// the records go back to feed sequences in the merge (OutputRecord::for_output). After each
// message the watermark moves past it: everything below it is on the ring.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/core/cache.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/sched/spsc_ring.h"
#include "dataplane/sched/worker_output.h"
#include "dataplane/stages/signal.h"
#include "dataplane/stages/stage.h"

namespace tickwire::sched {

struct InlineOutputConfig {
  std::size_t capacity = 16'384;  // records
  bool retire_events = false;     // every event (an events journal)
  bool retire_names = false;      // instrument-added events (the journal's names)
};

class alignas(kCacheLine) InlineOutput final : public stages::SignalSink, public stages::StageNoticeSink {
 public:
  explicit InlineOutput(const InlineOutputConfig& config) : config_(config), ring_(config.capacity, /*prefault=*/true) {}
  [[nodiscard]] bool ok() const noexcept { return ring_.ok(); }
  [[nodiscard]] OutputSource source() noexcept { return {&ring_, &retired_before_}; }

  // A message about to run: keyed (its events rewritten to carry the key), its retired
  // events on the ring. Returns the key.
  std::uint64_t begin_message(std::span<events::Event> m) noexcept {
    const std::uint64_t key = keys_.message(m.front().sequence & events::kMaxKeyedSequence);
    for (events::Event& e : m) e.sequence = key;
    signals_in_message_ = 0;
    notices_in_message_ = 0;
    if (config_.retire_events || config_.retire_names) {
      for (const events::Event& e : m) {
        if (!config_.retire_events && e.kind != events::EventKind::kInstrumentAdded) continue;
        OutputRecord r;
        r.event = e;
        r.event.flags = static_cast<std::uint16_t>(e.flags & ~events::kInternalFlags);
        r.kind = OutputKind::kRetiredEvent;
        r.order = e.event_index;
        push(r);
      }
    }
    return key;
  }
  // The message has run: nothing more will come below the next key.
  void end_message(std::uint64_t key) noexcept { retired_before_.store(key + 1, std::memory_order_release); }

  // A hot swap taking effect at the message keyed `key`.
  void swap(std::uint64_t key, std::uint32_t slot, std::uint32_t version) noexcept {
    OutputRecord r;
    r.swap = SwapRecord{key, slot, version};
    r.kind = OutputKind::kSwap;
    r.order = version;
    push(r);
  }
  // The key of a gap declared now (journaled where the merge reaches it).
  [[nodiscard]] std::uint64_t gap_key(std::uint64_t first, std::uint64_t last) noexcept {
    return keys_.gap(first & events::kMaxKeyedSequence, last & events::kMaxKeyedSequence);
  }
  // Nothing more will come.
  void finish() noexcept { retired_before_.store(~std::uint64_t{0}, std::memory_order_release); }

  void emit(const stages::Signal& s) noexcept override {
    OutputRecord r;
    r.signal = s;
    r.kind = OutputKind::kSignal;
    // As a worker orders them: by stage, the event that raised them, the order they came in.
    const std::uint32_t emitted = std::min<std::uint32_t>(signals_in_message_++, 0xff);
    r.order = std::uint32_t{s.stage} << 24 | std::uint32_t{s.event_index} << 8 | emitted;
    push(r);
  }
  void notice(const stages::StageNotice& n) noexcept override {
    OutputRecord r;
    r.notice = n;
    r.kind = OutputKind::kStageNotice;
    r.order = notices_in_message_++;
    push(r);
  }

  [[nodiscard]] std::uint64_t full_waits() const noexcept { return full_waits_; }

 private:
  // The merge thread always empties the ring: the RX core waits for room (no record is lost).
  void push(const OutputRecord& r) noexcept {
    if (TW_LIKELY(ring_.try_push(r))) return;
    ++full_waits_;
    for (std::uint32_t spins = 1; !ring_.try_push(r); ++spins) {
      cpu_relax();
      if (spins % 1024 == 0) std::this_thread::yield();  // more threads than cores
    }
  }

  InlineOutputConfig config_;
  SpscRing<OutputRecord> ring_;
  events::StreamKeys keys_;
  std::uint32_t signals_in_message_ = 0;
  std::uint32_t notices_in_message_ = 0;
  std::uint64_t full_waits_ = 0;
  alignas(kCacheLine) std::atomic<std::uint64_t> retired_before_{0};
};

}  // namespace tickwire::sched
