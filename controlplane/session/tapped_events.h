// Where the book builder's events go in a pipeline session: the pattern layer's tap first
// (when [pattern.NAME] tables are configured), the feed's stream breakers (when [breaker.NAME]
// tables are), then the events' own way (the inline pipeline's EventTap, or the router). One
// type for both, so a session without them pays a predictable branch per message each.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>

#include "controlplane/session/session_alerts.h"
#include "dataplane/breakers/stream_breakers.h"
#include "dataplane/events/event.h"
#include "dataplane/metrics/tsc_clock.h"
#include "dataplane/patterns/market_tap.h"
#include "dataplane/patterns/session_clock.h"

namespace tickwire::session {

template <class Inner>
struct TappedEvents {
  Inner& inner;
  patterns::MarketTap* tap = nullptr;  // null: no pattern layer
  metrics::TscClock clock;             // live watermarks: the clock receive times are on
  bool live = false;
  // The message's intended arrival, set by a paced replay's sink before it applies the
  // message (0: unpaced). Live, the receive time is the arrival.
  std::uint64_t arrival_ns = 0;

  void message(std::span<events::Event> m) {
    // The breakers first: a security breaker marks the events the tap and the router read.
    if (breakers != nullptr) {
      breakers->message(m, [this](const feed::FeedAlert& a) {
        if (alerts != nullptr) alerts->post(a);
      });
    }
    if (tap != nullptr) tap->message(m, live && !m.empty() ? m.front().receive_time_ns : arrival_ns);
    inner.message(m);
  }
  // Live: whether the sequencer holds a hole open (the watermark then stays at the last time).
  std::function<bool()> hole_open;
  // The feed's stream breakers (null: none); their transitions go out as alerts.
  breakers::StreamBreakers* breakers = nullptr;
  SessionAlerts* alerts = nullptr;

  void publish() {
    serve_breaker_requests();
    if (tap != nullptr) {
      if (live) {
        tap->publish(clock.to_ns(metrics::TscClock::now()), hole_open && hole_open());
      } else {
        tap->publish();
      }
    }
    if constexpr (requires(Inner& e) { e.publish(); }) inner.publish();
  }
  void idle() {
    serve_breaker_requests();
    if (tap != nullptr && live) tap->idle(clock.to_ns(metrics::TscClock::now()), hole_open && hole_open());
    if constexpr (requires(Inner& e) { e.idle(); }) inner.idle();
  }
  void serve_breaker_requests() {
    if (breakers == nullptr) return;
    breakers->serve([this](const feed::FeedAlert& a) {
      if (alerts != nullptr) alerts->post(a);
    });
  }
  [[nodiscard]] std::uint64_t gap_key(std::uint64_t first, std::uint64_t last) noexcept {
    if (tap != nullptr) tap->gap(first, last);  // the tap keys its updates as the router does
    if (breakers != nullptr) breakers->gap(first, last);
    return inner.gap_key(first, last);
  }
  // A new session: live, today's date (a restart within the day stays on it); in a replay,
  // the day after the last (a capture's days are taken to follow each other).
  void day_begins() {
    if (tap == nullptr) return;
    std::int64_t day = patterns::eastern_day_of(static_cast<std::int64_t>(tap->day_start())) + 1;
    if (live) {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      day = patterns::eastern_day_of(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
    }
    tap->set_day_start(static_cast<std::uint64_t>(patterns::eastern_midnight_ns(day)));
    tap->day_begins();
  }
  // The RX core's input has ended: the pattern threads see the feed end.
  void finish() {
    if (tap != nullptr) tap->finish();
  }
};

}  // namespace tickwire::session
