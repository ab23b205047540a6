// What `tickwire ctl breaker` asks of the RX core that runs a feed's breakers: new settings
// for one breaker (`set`), or an override (`open`, `close`, `auto`). The control thread builds
// the request, checked whole, and hands it over on a ring; the RX core takes it at a safe
// point (the end of a burst), applies it to its own copy of the spec between two messages, and
// journals it keyed after the last message it ran. Plain data: nothing on the ring allocates.
#pragma once

#include <cstdint>
#include <type_traits>

#include "dataplane/breakers/breaker.h"

namespace tickwire::breakers {

// The settings a running breaker may change: not its name, scope, trigger or ladder.
struct BreakerSettings {
  double trip = 0;
  double clear = 0;
  double backoff = 0;
  double ratchet_percent = 0;
  std::uint64_t window_ns = 0;
  std::uint64_t min_open_ns = 0;
  std::uint64_t clear_hold_ns = 0;
  std::uint64_t probe_ns = 0;
  std::uint64_t max_open_ns = 0;
  std::uint64_t rearm_ns = 0;
  std::uint64_t norm_ns = 0;
  std::uint64_t reference_ns = 0;
  Mode mode = Mode::kEnforce;
  bool promote = true;
};

[[nodiscard]] inline BreakerSettings settings_of(const BreakerSpec& s) noexcept {
  return {s.trip,        s.clear,         s.backoff,  s.ratchet_percent, s.window_ns, s.min_open_ns, s.clear_hold_ns,
          s.probe_ns,    s.max_open_ns,   s.rearm_ns, s.norm_ns,         s.reference_ns, s.mode,     s.promote};
}
inline void apply(const BreakerSettings& n, BreakerSpec& s) noexcept {
  s.trip = n.trip;
  s.clear = n.clear;
  s.backoff = n.backoff;
  s.ratchet_percent = n.ratchet_percent;
  s.window_ns = n.window_ns;
  s.min_open_ns = n.min_open_ns;
  s.clear_hold_ns = n.clear_hold_ns;
  s.probe_ns = n.probe_ns;
  s.max_open_ns = n.max_open_ns;
  s.rearm_ns = n.rearm_ns;
  s.norm_ns = n.norm_ns;
  s.reference_ns = n.reference_ns;
  s.mode = n.mode;
  s.promote = n.promote;
}

struct BreakerRequest {
  enum class Kind : std::uint8_t { kSet, kOverride };
  Kind kind = Kind::kSet;
  Override override = Override::kAuto;
  std::uint16_t index = 0;       // among the session's breakers
  std::uint32_t instrument = 0;  // an override of a security breaker: its instrument
  BreakerSettings settings;      // kSet
};
static_assert(std::is_trivially_copyable_v<BreakerRequest>);

}  // namespace tickwire::breakers
