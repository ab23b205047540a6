// The feed alerts of a pipeline session (gaps with their range, lines going stale and coming
// back): raised on the RX thread, printed for a person as they happen, counted, and gaps
// journaled in stream order.
//
// Inline, the RX thread also writes the journal and reports each alert itself. With workers,
// the RX thread posts alerts on a ring the control thread drains, and the control thread
// journals a gap just before the first merged line at or past its sequence: that line's
// message was delivered after the gap was posted, so once the line is merged the gap is
// visible on the ring. Either way a gap sits in the journal after every line of the messages
// before it and before every line of those after it, so the journal is the same on every
// layout.
#pragma once

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
  // `inline_rx`: the RX thread reports alerts itself. `wait_when_full` (replay): the RX thread
  // waits for room on the ring, so no alert is lost to timing; live, one is counted instead.
  SessionAlerts(std::string who, format::JournalWriter* journal, bool inline_rx, bool wait_when_full)
      : who_(std::move(who)), journal_(journal), inline_rx_(inline_rx), wait_when_full_(wait_when_full),
        ring_(kRingCapacity) {}

  [[nodiscard]] bool ok() const noexcept { return ring_.ok(); }

  // RX thread.
  void post(const feed::FeedAlert& a) {
    if (inline_rx_) {
      report(a);
      if (a.kind == feed::FeedAlertKind::kGap && journal_ != nullptr) journal_->gap(a);
      return;
    }
    while (!ring_.try_push(a)) {
      if (!wait_when_full_) {
        ++dropped_;  // read by the control thread only after the RX thread has joined
        return;
      }
      cpu_relax();
    }
  }

  // Control thread, with workers: takes what the RX thread posted.
  void pull() {
    while (const feed::FeedAlert* a = ring_.front()) {
      report(*a);
      if (a->kind == feed::FeedAlertKind::kGap) pending_gaps_.push_back(*a);
      ring_.pop();
    }
  }
  // Control thread: before the merged line whose stream key is `key` is written.
  void journal_before(std::uint64_t key) {
    pull();
    while (!pending_gaps_.empty() && pending_gaps_.front().stream_key <= key) write_first_pending();
  }
  // Control thread, every line merged: the rest, then the summary of what was not printed.
  void finish() {
    pull();
    while (!pending_gaps_.empty()) write_first_pending();
    if (reported_ > kPrinted) {
      std::fprintf(stderr, "%s: %llu more alerts not printed (counted in the report)\n", who_.c_str(),
                   static_cast<unsigned long long>(reported_ - kPrinted));
    }
  }

  [[nodiscard]] std::uint64_t gaps() const noexcept { return counts_[0]; }
  [[nodiscard]] std::uint64_t lines_stale() const noexcept { return counts_[1]; }
  [[nodiscard]] std::uint64_t lines_resumed() const noexcept { return counts_[2]; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  // Enough for a burst of holes behind a full reorder buffer; the control thread drains it
  // every loop.
  static constexpr std::size_t kRingCapacity = 4096;
  // A gap storm must not flood the terminal: the first alerts are printed, all are counted.
  static constexpr std::uint64_t kPrinted = 100;

  void write_first_pending() {
    if (journal_ != nullptr) journal_->gap(pending_gaps_.front());
    pending_gaps_.pop_front();
  }
  void report(const feed::FeedAlert& a) {
    ++counts_[static_cast<std::size_t>(a.kind)];
    if (++reported_ > kPrinted) return;
    const char line = static_cast<char>('a' + a.line);
    switch (a.kind) {
      case feed::FeedAlertKind::kGap:
        std::fprintf(stderr, "%s: alert: gap session=%.10s first=%llu last=%llu messages=%llu cause=%s (books suspect)\n",
                     who_.c_str(), a.session.text().data(), static_cast<unsigned long long>(a.sequence),
                     static_cast<unsigned long long>(a.last), static_cast<unsigned long long>(a.last - a.sequence + 1),
                     feed::gap_cause_name(a.cause));
        break;
      case feed::FeedAlertKind::kLineStale:
        std::fprintf(stderr, "%s: alert: line %c stale (silent since receive time %llu ns)\n", who_.c_str(), line,
                     static_cast<unsigned long long>(a.receive_ns));
        break;
      case feed::FeedAlertKind::kLineResumed:
        std::fprintf(stderr, "%s: alert: line %c resumed\n", who_.c_str(), line);
        break;
    }
    std::fflush(stderr);
  }

  std::string who_;
  format::JournalWriter* journal_;
  bool inline_rx_;
  bool wait_when_full_;
  sched::SpscRing<feed::FeedAlert> ring_;
  std::deque<feed::FeedAlert> pending_gaps_;
  std::uint64_t counts_[3] = {};
  std::uint64_t reported_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace tickwire::session
