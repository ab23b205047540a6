// The recovery ladder's second rung: a hole the other line has not filled within
// `ask_after_ns` of receive time is asked of the re-request server, and its answers are
// spliced in as the recovery line. What recovery cannot bring, the sequencer then declares
// as a gap. Two ways to wait for the answers:
//
// - AnswerWait::kBlock (replay): the replay stops (wall time, bounded by the policy's retries)
//   until the hole closes. The sequencer's window runs on capture time, so it never expires
//   while an answer is on its way, and the result does not depend on the server's speed.
// - AnswerWait::kPoll (live): the RX core must keep reading its ports, or the NIC drops what
//   arrives meanwhile and one hole becomes many. Each packet and each idle poll sends what
//   the policy says is due and takes the answers already there, never waiting; the hole being
//   asked about is held past the reorder window (Sequencer::hold_hole) until it closes or
//   the policy's attempts run out.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "controlplane/recovery/recovery_policy.h"
#include "controlplane/recovery/rerequest_client.h"
#include "dataplane/feed/sequenced_feed.h"

namespace tickwire::recovery {

// Monotonic nanoseconds, for the policy's timing and recovery latency where receive times
// are too coarse (live, a burst's frames share one receive time).
inline std::uint64_t steady_ns() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

template <class Sink>
class RecoveringFeed {
 public:
  // `policy_clock` (kPoll): the clock requests, retries and recovery latency run on; null:
  // the receive times passed in (what a test drives by hand).
  RecoveringFeed(feed::SequencedFeed<Sink>& inner, RerequestClient& client, const RecoveryConfig& config,
                 std::uint64_t ask_after_ns, AnswerWait wait = AnswerWait::kBlock,
                 std::uint64_t (*policy_clock)() noexcept = nullptr) noexcept
      : inner_(inner),
        client_(client),
        policy_(config),
        ask_after_ns_(ask_after_ns),
        wait_(wait),
        policy_clock_(policy_clock) {
    inner_.pace_gaps_for_recovery();
  }

  void on_frame(const std::uint8_t* frame, std::uint32_t length, net::LinkType link, std::uint64_t t) noexcept {
    if (wait_ == AnswerWait::kPoll) {
      service(t);
    } else {
      // Before the frame: its time may be past the window of a hole still open, and the
      // sequencer would declare the gap on seeing it.
      feed::SequenceRange hole;
      if (inner_.first_hole(hole) && t > inner_.hole_since_ns() && t - inner_.hole_since_ns() >= ask_after_ns_) {
        recover();
      }
    }
    last_receive_ns_ = t;
    inner_.on_frame(frame, length, link, t);
  }
  // Time passes without packets (live: an idle poll of the RX loop).
  void poll(std::uint64_t now_ns) noexcept {
    if (wait_ == AnswerWait::kPoll) service(now_ns);
    inner_.poll(now_ns);
  }
  // End of input. Replay makes one last, bounded, waiting attempt at what is still missing;
  // live, the idle polls before the end have had their chance, and a stop should be prompt.
  void finish(std::uint64_t t) noexcept {
    last_receive_ns_ = t;
    inner_.release_hole();
    if (wait_ == AnswerWait::kBlock) recover();
    inner_.finish(t);
  }
  [[nodiscard]] const RecoveryStats& stats() const noexcept { return policy_.stats(); }

 private:
  // kPoll: one step of recovery, without waiting: line B's turn judged on the receive clock,
  // the policy on its own. Answers first, so
  // that a hole they close makes way for the next one in the same step: that one is asked
  // for and held before any packet's time can expire it.
  void service(std::uint64_t receive_now) noexcept {
    // Answers are looked for once per burst (its frames share a receive time) and on each
    // idle poll: a system call per frame would slow the RX core just when it is behind.
    if (asking_ && receive_now != last_answer_poll_ns_) {
      last_answer_poll_ns_ = receive_now;
      for (unsigned i = 0; i < kAnswersPerPoll; ++i) {
        const std::size_t n = client_.receive(answer_.data(), answer_.size(), 0);
        if (n == 0) break;
        inner_.on_recovered_packet(answer_.data(), static_cast<std::uint32_t>(n), receive_now);
      }
    }
    feed::SequenceRange hole;
    feed::SequenceRange ask;
    if (!inner_.first_hole(hole)) {
      if (asking_) {
        (void)policy_.next_request(false, hole, policy_now(receive_now), ask);  // closes the hole's record
        inner_.release_hole();
        asking_ = false;
      }
      return;
    }
    if (asking_ && hole.first != asked_first_) {  // filled in part, or a later hole
      inner_.release_hole();
      asking_ = false;
    }
    const std::uint64_t since = inner_.hole_since_ns();
    if (!asking_ && (receive_now < since || receive_now - since < ask_after_ns_)) return;  // line B's turn first
    const std::uint64_t now = policy_now(receive_now);
    // From here recovery owns the hole: it is held while the policy has attempts left, also
    // while the rate limit delays the first of them.
    asking_ = true;
    asked_first_ = hole.first;
    if (policy_.next_request(true, hole, now, ask)) {
      (void)client_.request(inner_.session(), ask.first, static_cast<std::uint16_t>(ask.size()));
    }
    if (policy_.exhausted(now)) {
      inner_.release_hole();
    } else {
      inner_.hold_hole(hole.first);
    }
  }

  // kBlock (and the end of input): asks for the first hole until it closes or the policy
  // gives up; then the next hole.
  void recover() noexcept {
    for (;;) {
      feed::SequenceRange hole;
      const bool open = inner_.first_hole(hole);
      const std::uint64_t now = steady_ns();
      feed::SequenceRange ask;
      if (policy_.next_request(open, hole, now, ask)) {
        (void)client_.request(inner_.session(), ask.first, static_cast<std::uint16_t>(ask.size()));
      }
      if (!open || policy_.exhausted(now)) return;
      if (const std::size_t n = client_.receive(answer_.data(), answer_.size(), 1); n != 0) {
        inner_.on_recovered_packet(answer_.data(), static_cast<std::uint32_t>(n), last_receive_ns_);
      }
    }
  }

  [[nodiscard]] std::uint64_t policy_now(std::uint64_t receive_now) const noexcept {
    return policy_clock_ != nullptr ? policy_clock_() : receive_now;
  }

  // Answers taken per packet or idle poll: enough to keep up with a server's burst, few
  // enough that the ports are read again soon.
  static constexpr unsigned kAnswersPerPoll = 8;
  feed::SequencedFeed<Sink>& inner_;
  RerequestClient& client_;
  RecoveryPolicy policy_;
  std::uint64_t ask_after_ns_;
  AnswerWait wait_;
  std::uint64_t (*policy_clock_)() noexcept;
  bool asking_ = false;  // kPoll: recovery owns the hole from asked_first_ (line B had its chance)
  std::uint64_t asked_first_ = 0;
  std::uint64_t last_answer_poll_ns_ = ~std::uint64_t{0};
  std::uint64_t last_receive_ns_ = 0;
  std::array<std::uint8_t, 65536> answer_{};
};

}  // namespace tickwire::recovery
