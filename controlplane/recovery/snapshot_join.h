// Live late join without losing what arrives meanwhile: the snapshot is fetched on a thread of
// its own while the RX loop reads its ports from the start. The sequencer holds every packet
// (Sequencer::begin_join). At the first packet or idle poll after the snapshot is in, the RX
// thread, which owns the books, applies the snapshot's messages, then resumes the session at
// the snapshot's sequence: held packets below it are counted as before_resume, the rest are
// delivered in order, and a hole between the two is an ordinary hole for recovery.
//
// The fetch thread writes only the message buffer and the result, then publishes them with
// one release store; the RX thread reads them after the matching acquire load, once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "controlplane/recovery/glimpse_snapshot.h"
#include "dataplane/core/cache.h"
#include "dataplane/feed/moldudp64.h"
#include "dataplane/net/udp_frame.h"

namespace tickwire::recovery {

// The MoldUDP64 session a snapshot names, as the sequencer knows sessions.
inline feed::SessionId snapshot_session(const SnapshotResult& result) noexcept {
  feed::MoldUdp64Header named{};
  named.session.set(result.session);
  return feed::SessionId::from(named.session);
}

// From files, where nothing is read meanwhile: the snapshot first, each message through
// `apply` (see SnapshotJoin), then the resume point. On failure nothing is resumed.
template <class Sequenced, class Apply>
SnapshotResult fetch_snapshot_then_resume(const SnapshotClientConfig& config, Sequenced& sequenced, Apply& apply) {
  const SnapshotClient client(config);
  SnapshotResult result =
      client.fetch([&](const std::uint8_t* message, std::size_t length) { apply.message(message, length); });
  apply.done(result);
  if (result.ok()) (void)sequenced.resume_at(snapshot_session(result), result.resume_sequence);
  return result;
}

// Feed: what the RX loop drives (on_frame, optionally poll and finish). Sequenced: the
// SequencedFeed under it. Apply offers message(const uint8_t*, size_t), called for each
// snapshot message in order, then done(const SnapshotResult&), called once (also on failure)
// before any held packet is released.
template <class Feed, class Sequenced, class Apply>
class SnapshotJoin {
 public:
  // `stopping`: whether the run is being stopped (then finish() does not wait for the fetch).
  SnapshotJoin(Feed& feed, Sequenced& sequenced, SnapshotClientConfig config, Apply& apply, bool (*stopping)())
      : feed_(feed), sequenced_(sequenced), config_(std::move(config)), apply_(apply), stopping_(stopping) {
    config_.cancel = &cancel_;
  }
  SnapshotJoin(const SnapshotJoin&) = delete;
  SnapshotJoin& operator=(const SnapshotJoin&) = delete;
  ~SnapshotJoin() {
    cancel_.store(true, std::memory_order_relaxed);
    if (fetcher_.joinable()) fetcher_.join();
  }

  // Before the first packet is read.
  void start() {
    sequenced_.begin_join();
    fetcher_ = std::thread([this] { fetch(); });
  }

  void on_frame(const std::uint8_t* frame, std::uint32_t length, net::LinkType link, std::uint64_t t) noexcept {
    // One step per burst (a burst's frames share their receive time), not per frame.
    if (TW_UNLIKELY(!settled_) && t != last_step_ns_) {
      last_step_ns_ = t;
      settle(t);
    }
    feed_.on_frame(frame, length, link, t);
  }
  void poll(std::uint64_t now_ns) noexcept {
    if (TW_UNLIKELY(!settled_)) settle(now_ns);
    if constexpr (requires { feed_.poll(now_ns); }) feed_.poll(now_ns);
  }
  // End of input: the snapshot is waited for (its own deadline bounds that), so what was
  // held is judged against it; a stop (SIGINT, SIGTERM) gives it up at once.
  void finish(std::uint64_t t) noexcept {
    while (!fetched_.load(std::memory_order_acquire)) {
      if (stopping_()) cancel_.store(true, std::memory_order_relaxed);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (fetcher_.joinable()) fetcher_.join();
    while (!settled_) settle(t);
    if constexpr (requires { feed_.finish(t); }) feed_.finish(t);
  }

  [[nodiscard]] bool settled() const noexcept { return settled_; }
  // Valid once settled().
  [[nodiscard]] const SnapshotResult& result() const noexcept { return result_; }

 private:
  void fetch() {
    const SnapshotClient client(config_);
    SnapshotResult r = client.fetch([this](const std::uint8_t* message, std::size_t length) {
      const auto n = static_cast<std::uint32_t>(length);
      const std::size_t at = messages_.size();
      messages_.resize(at + sizeof n + length);
      std::memcpy(messages_.data() + at, &n, sizeof n);
      std::memcpy(messages_.data() + at + sizeof n, message, length);
    });
    result_ = std::move(r);
    fetched_.store(true, std::memory_order_release);
  }

  // A bounded piece of the snapshot per call, so the RX loop keeps reading its ports (and
  // holding what they bring) while a large snapshot goes into the books.
  void settle(std::uint64_t now_ns) noexcept {
    if (!fetched_.load(std::memory_order_acquire)) return;
    if (result_.ok()) {
      for (std::size_t applied = 0; applied_to_ < messages_.size() && applied < kMessagesPerStep; ++applied) {
        std::uint32_t n;
        std::memcpy(&n, messages_.data() + applied_to_, sizeof n);
        apply_.message(messages_.data() + applied_to_ + sizeof n, n);
        applied_to_ += sizeof n + n;
      }
      if (applied_to_ < messages_.size()) return;
      settled_ = true;
      apply_.done(result_);  // before the held packets are released through the same books
      (void)sequenced_.resume_at(snapshot_session(result_), result_.resume_sequence, now_ns);
    } else {
      settled_ = true;
      apply_.done(result_);
      sequenced_.abandon_join(now_ns);
    }
    std::vector<std::uint8_t>().swap(messages_);
  }

  Feed& feed_;
  Sequenced& sequenced_;
  SnapshotClientConfig config_;
  Apply& apply_;
  bool (*stopping_)();
  std::atomic<bool> cancel_{false};
  std::thread fetcher_;
  // About a millisecond of book building: the ports are read again before their rings fill.
  static constexpr std::size_t kMessagesPerStep = 4096;
  std::vector<std::uint8_t> messages_;  // length (4 bytes, host order) + message, repeated
  std::size_t applied_to_ = 0;          // bytes of messages_ applied
  std::uint64_t last_step_ns_ = 0;
  SnapshotResult result_;
  std::atomic<bool> fetched_{false};
  bool settled_ = false;
};

}  // namespace tickwire::recovery
