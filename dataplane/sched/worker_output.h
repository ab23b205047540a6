// What a worker hands back to the control plane: the signals its stages emit and, when the
// journal asks for them, the events it retired. Workers run messages in priority order, not
// sequence order, so each record carries the key that puts it back in (feed sequence,
// event index) order; the control plane merges the workers' outputs up to their watermarks.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/stages/signal.h"
#include "dataplane/sched/spsc_ring.h"
#include "dataplane/stages/stage.h"

namespace tickwire::sched {

// A swap sorts before the events of the message it takes effect at.
// A stage notice (over budget, skipped, disabled) follows the message's signals.
enum class OutputKind : std::uint8_t { kSwap = 0, kRetiredEvent = 1, kSignal = 2, kStageNotice = 3 };

// A swap as the journal records it (the worker that reports swaps sends one per swap).
struct SwapRecord {
  std::uint64_t effective_sequence;
  std::uint32_t slot;
  std::uint32_t version;
};

struct alignas(kCacheLine) OutputRecord {
  union {
    events::Event event;
    stages::Signal signal;
    SwapRecord swap;
    stages::StageNotice notice;
  };
  // Within one message: retired events first, by event index, then signals by stage, the
  // event that raised them and the order they came in, then stage notices by unit and the
  // order they came in. The same on every layout: a message runs as one unit per instrument
  // it touches, each whole on one worker.
  std::uint32_t order;
  OutputKind kind;

  [[nodiscard]] std::uint64_t sequence() const noexcept {
    switch (kind) {
      case OutputKind::kSwap: return swap.effective_sequence;
      case OutputKind::kSignal: return signal.sequence;
      case OutputKind::kStageNotice: return notice.sequence;
      case OutputKind::kRetiredEvent: break;
    }
    return event.sequence;
  }
  // The record as outputs show it: sequences are stream keys between the RX core's router and
  // the merge (events::StreamKeys), feed sequences again after it; kEndOfUnit is cleared.
  [[nodiscard]] OutputRecord for_output() const noexcept {
    OutputRecord r = *this;
    switch (kind) {
      case OutputKind::kSwap: r.swap.effective_sequence = events::feed_sequence(swap.effective_sequence); break;
      case OutputKind::kSignal: r.signal.sequence = events::feed_sequence(signal.sequence); break;
      case OutputKind::kStageNotice: r.notice.sequence = events::feed_sequence(notice.sequence); break;
      case OutputKind::kRetiredEvent:
        r.event.sequence = events::feed_sequence(event.sequence);
        r.event.flags = static_cast<std::uint16_t>(event.flags & ~events::kInternalFlags);
        break;
    }
    return r;
  }
  // The total order of the journal.
  [[nodiscard]] friend bool operator<(const OutputRecord& a, const OutputRecord& b) noexcept {
    const std::uint64_t sa = a.sequence();
    const std::uint64_t sb = b.sequence();
    if (sa != sb) return sa < sb;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.order < b.order;
  }
};
static_assert(sizeof(OutputRecord) == 2 * kCacheLine);
static_assert(std::is_trivially_copyable_v<OutputRecord>);

// Where the merge reads one producer of output records (a worker, or an inline RX core): its
// ring, and its watermark (every record it will produce below this key is in the ring).
struct OutputSource {
  SpscRing<OutputRecord>* ring = nullptr;
  const std::atomic<std::uint64_t>* retired_before = nullptr;
};

}  // namespace tickwire::sched
