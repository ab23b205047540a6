// The feed alerts of a pipeline session (gaps with their range, lines going stale and coming
// back): raised on the RX thread, told to a person as they happen, counted, and gaps
// journaled in stream order.
//
// The RX thread posts each alert on a ring that the merge thread drains; the merge thread
// words it for a person into the process's message outbox, which the control thread prints
// (so neither a data core nor the merge thread ever waits on a terminal), and journals a gap
// just before the first merged line at or past the gap's stream key (that line's message was
// delivered after the gap was posted, so once the line is merged the gap is on the ring). So
// a gap sits in the journal after every line of the messages before it and before every line
// of those after it, the same on every layout.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>

#include "controlplane/format/journal_writer.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/feed/feed_alert.h"
#include "dataplane/sched/spsc_ring.h"

namespace tickwire::session {

class SessionAlerts {
 public:
  // `wait_when_full` (replay): the RX thread waits for room on the ring, so no alert is lost
  // to timing; live, one is counted instead. `say_to`: where alerts are worded for a person
  // (merge thread).
  SessionAlerts(std::string who, format::JournalWriter* journal, bool wait_when_full, std::FILE* say_to)
      : who_(std::move(who)), journal_(journal), wait_when_full_(wait_when_full), say_to_(say_to),
        ring_(kRingCapacity) {}

  [[nodiscard]] bool ok() const noexcept { return ring_.ok(); }

  // RX thread.
  void post(const feed::FeedAlert& a) {
    while (!ring_.try_push(a)) {
      if (!wait_when_full_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return;
      }
      cpu_relax();
    }
  }

  // Merge thread: takes what the RX thread posted.
  void pull() {
    while (const feed::FeedAlert* a = ring_.front()) {
      say(*a);
      if (a->kind == feed::FeedAlertKind::kGap) pending_gaps_.push_back(*a);
      ring_.pop();
    }
  }
  // Merge thread: before the merged line whose stream key is `key` is written.
  void journal_before(std::uint64_t key) {
    pull();
    while (!pending_gaps_.empty() && pending_gaps_.front().stream_key <= key) write_first_pending();
  }
  // Merge thread, once the RX thread has finished and every line is merged: the rest, then
  // the summary of what was not told.
  void finish() {
    pull();
    while (!pending_gaps_.empty()) write_first_pending();
    if (told_ > kTold && say_to_ != nullptr) {
      std::fprintf(say_to_, "%s: %llu more alerts not printed (counted in the report)\n", who_.c_str(),
                   static_cast<unsigned long long>(told_ - kTold));
    }
  }

  // Read by the merge thread, or by any thread once it has finished.
  [[nodiscard]] std::uint64_t gaps() const noexcept { return counts_[0]; }
  [[nodiscard]] std::uint64_t lines_stale() const noexcept { return counts_[1]; }
  [[nodiscard]] std::uint64_t lines_resumed() const noexcept { return counts_[2]; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  // Enough for a burst of holes behind a full reorder buffer; the merge thread drains it
  // every pass.
  static constexpr std::size_t kRingCapacity = 4096;
  // A gap storm must not flood the terminal: the first alerts are told, all are counted.
  static constexpr std::uint64_t kTold = 100;

  void write_first_pending() {
    if (journal_ != nullptr) journal_->gap(pending_gaps_.front());
    pending_gaps_.pop_front();
  }
  void say(const feed::FeedAlert& a) {
    ++counts_[static_cast<std::size_t>(a.kind)];
    if (++told_ > kTold || say_to_ == nullptr) return;
    const char line = static_cast<char>('a' + a.line);
    switch (a.kind) {
      case feed::FeedAlertKind::kGap:
        std::fprintf(say_to_, "%s: alert: gap session=%.10s first=%llu last=%llu messages=%llu cause=%s (books suspect)\n",
                     who_.c_str(), a.session.text().data(), static_cast<unsigned long long>(a.sequence),
                     static_cast<unsigned long long>(a.last), static_cast<unsigned long long>(a.last - a.sequence + 1),
                     feed::gap_cause_name(a.cause));
        break;
      case feed::FeedAlertKind::kLineStale:
        std::fprintf(say_to_, "%s: alert: line %c stale (silent since receive time %llu ns)\n", who_.c_str(), line,
                     static_cast<unsigned long long>(a.receive_ns));
        break;
      case feed::FeedAlertKind::kLineResumed:
        std::fprintf(say_to_, "%s: alert: line %c resumed\n", who_.c_str(), line);
        break;
    }
  }

  std::string who_;
  format::JournalWriter* journal_;
  bool wait_when_full_;
  std::FILE* say_to_;
  sched::SpscRing<feed::FeedAlert> ring_;
  std::deque<feed::FeedAlert> pending_gaps_;
  std::uint64_t counts_[3] = {};
  std::uint64_t told_ = 0;
  std::atomic<std::uint64_t> dropped_{0};  // the RX thread's; read by others
};

}  // namespace tickwire::session
