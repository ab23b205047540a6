// Replay with the recovery ladder's second rung: a hole the other line has not filled
// within `ask_after_ns` of receive time is asked of the re-request server, and the replay
// waits (wall time, bounded by the policy's retries) for the answers before going on, so the
// sequencer's window, which runs on capture time, never expires while an answer is on its
// way. What recovery cannot bring, the sequencer then declares as a gap.
#pragma once

#include <chrono>
#include <cstdint>

#include "controlplane/recovery/recovery_policy.h"
#include "controlplane/recovery/rerequest_client.h"
#include "dataplane/feed/sequenced_feed.h"

namespace tickwire::recovery {

template <class Sink>
class RecoveringFeed {
 public:
  RecoveringFeed(feed::SequencedFeed<Sink>& inner, RerequestClient& client, const RecoveryConfig& config,
                 std::uint64_t ask_after_ns) noexcept
      : inner_(inner), client_(client), policy_(config), ask_after_ns_(ask_after_ns) {}

  void on_frame(const std::uint8_t* frame, std::uint32_t length, net::LinkType link, std::uint64_t t) noexcept {
    // Before the frame: its time may be past the window of a hole still open, and the
    // sequencer would declare the gap on seeing it.
    feed::SequenceRange hole;
    if (inner_.first_hole(hole) && t > inner_.hole_since_ns() && t - inner_.hole_since_ns() >= ask_after_ns_) {
      recover();
    }
    last_receive_ns_ = t;
    inner_.on_frame(frame, length, link, t);
  }
  void finish(std::uint64_t t) noexcept {
    last_receive_ns_ = t;
    recover();
    inner_.finish(t);
  }
  [[nodiscard]] const RecoveryStats& stats() const noexcept { return policy_.stats(); }

 private:
  static std::uint64_t wall_ns() noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
  }

  // Asks for the first hole until it closes or the policy gives up; then the next hole.
  void recover() noexcept {
    std::uint8_t packet[kMaxAnswer];
    for (;;) {
      feed::SequenceRange hole;
      const bool open = inner_.first_hole(hole);
      const std::uint64_t now = wall_ns();
      feed::SequenceRange ask;
      if (policy_.next_request(open, hole, now, ask)) {
        (void)client_.request(inner_.session(), ask.first, static_cast<std::uint16_t>(ask.size()));
      }
      if (!open || policy_.exhausted(now)) return;
      if (const std::size_t n = client_.receive(packet, sizeof packet, 1); n != 0) {
        inner_.on_recovered_packet(packet, static_cast<std::uint32_t>(n), last_receive_ns_);
      }
    }
  }

  static constexpr std::size_t kMaxAnswer = 65536;
  feed::SequencedFeed<Sink>& inner_;
  RerequestClient& client_;
  RecoveryPolicy policy_;
  std::uint64_t ask_after_ns_;
  std::uint64_t last_receive_ns_ = 0;
};

}  // namespace tickwire::recovery
