// What the feed tells a person as it happens: a gap with its exact range (the books are
// suspect from it on), a line that went stale, a line that came back. Raised on the RX core,
// where the sequencer sees them, and handed to the control plane by value.
#pragma once

#include <cstdint>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/feed/sequencer.h"

namespace tickwire::feed {

enum class FeedAlertKind : std::uint8_t { kGap, kLineStale, kLineResumed, kBreaker };

struct FeedAlert {
  FeedAlertKind kind = FeedAlertKind::kGap;
  GapCause cause = GapCause::kWindowExpired;  // kGap
  std::uint8_t line = 0;                      // kLineStale, kLineResumed: 0 is A, 1 is B
  SessionId session{};
  // Where it stands in the stream: every message below it was delivered before the alert
  // and none from it on. A gap's first lost sequence; for a line, the next one to deliver.
  std::uint64_t sequence = 0;
  std::uint64_t last = 0;        // kGap: the last lost sequence
  std::uint64_t receive_ns = 0;  // when, on the receive clock
  // kGap, kBreaker: where its journal line goes among the merged ones (events::StreamKeys).
  std::uint64_t stream_key = 0;
  // kBreaker: a circuit breaker's transition at message `sequence` (dataplane/breakers/).
  std::uint16_t breaker = 0;     // its index among the session's breakers
  std::uint32_t instrument = 0;  // a security breaker's instrument (0: another scope)
  char stock[8] = {};            // and its symbol, space padded as on the wire
  std::uint8_t from_state = 0;   // breakers::State
  std::uint8_t to_state = 0;
  std::uint8_t breaker_cause = 0;  // breakers::Cause
  bool shadow = false;
  std::uint8_t step_level = 0;   // a system breaker's ladder: steps engaged after it (0: none)
  std::uint64_t exchange_ns = 0;  // the exchange time it moved at
  double value = 0;
  double threshold = 0;
};

[[nodiscard]] constexpr const char* gap_cause_name(GapCause cause) noexcept {
  switch (cause) {
    case GapCause::kWindowExpired: return "window_expired";
    case GapCause::kBufferFull: return "buffer_full";
    case GapCause::kSessionEnded: return "session_ended";
  }
  return "?";
}

}  // namespace tickwire::feed
