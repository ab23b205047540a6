// A breaker's transition as the alert the RX core posts (and the journal writes): one place
// that fills the common fields; each scope adds its own (a stock, a ladder step, a receive
// time).
#pragma once

#include <cstdint>

#include "dataplane/breakers/breaker.h"
#include "dataplane/feed/feed_alert.h"

namespace tickwire::breakers {

// Breaker `index` moved as `t` at message `sequence`; its journal line goes after the lines of
// the message keyed `key` and before the next message's.
[[nodiscard]] inline feed::FeedAlert breaker_alert(std::uint16_t index, const Transition& t, std::uint64_t sequence,
                                                   std::uint64_t key) noexcept {
  feed::FeedAlert a;
  a.kind = feed::FeedAlertKind::kBreaker;
  a.sequence = sequence;
  a.stream_key = key + 1;
  a.breaker = index;
  a.from_state = static_cast<std::uint8_t>(t.from);
  a.to_state = static_cast<std::uint8_t>(t.to);
  a.breaker_cause = static_cast<std::uint8_t>(t.cause);
  a.shadow = t.shadow;
  a.exchange_ns = t.time_ns;
  a.value = t.value;
  a.threshold = t.threshold;
  return a;
}

}  // namespace tickwire::breakers
