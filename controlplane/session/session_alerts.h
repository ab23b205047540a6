// The feed alerts of a pipeline session (gaps with their range, lines going stale and coming
// back, circuit breakers moving): raised on the RX thread, told to a person as they happen,
// counted, and gaps and breaker transitions journaled in stream order.
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
#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "controlplane/format/journal_writer.h"
#include "dataplane/breakers/breaker.h"
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
  // The session's [breaker.NAME] tables, by index (what a breaker alert names).
  void set_breakers(std::vector<breakers::BreakerSpec> specs) {
    breakers_ = std::move(specs);
    breaker_figures_.assign(breakers_.size(), BreakerTally{});
  }

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
      if (a->kind == feed::FeedAlertKind::kGap || a->kind == feed::FeedAlertKind::kBreaker) pending_lines_.push_back(*a);
      ring_.pop();
    }
  }
  // Merge thread: before the merged line whose stream key is `key` is written.
  void journal_before(std::uint64_t key) {
    pull();
    while (!pending_lines_.empty() && pending_lines_.front().stream_key <= key) write_first_pending();
  }
  // Merge thread, once the RX thread has finished and every line is merged: the rest, then
  // the summary of what was not told.
  void finish() {
    pull();
    while (!pending_lines_.empty()) write_first_pending();
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
  [[nodiscard]] std::uint64_t breaker_transitions() const noexcept { return counts_[3]; }
  // Per breaker, from its transitions (exchange time): times opened, time open, the longest.
  struct BreakerTally {
    std::uint64_t opened = 0;
    std::uint64_t open_ns = 0;
    std::uint64_t longest_ns = 0;
    std::uint64_t since_ns = 0;
    bool open = false;
  };
  [[nodiscard]] const std::vector<breakers::BreakerSpec>& breakers() const noexcept { return breakers_; }
  [[nodiscard]] const std::vector<BreakerTally>& breaker_tallies() const noexcept { return breaker_figures_; }

 private:
  // Enough for a burst of holes behind a full reorder buffer; the merge thread drains it
  // every pass.
  static constexpr std::size_t kRingCapacity = 4096;
  // A gap storm must not flood the terminal: the first alerts are told, all are counted.
  static constexpr std::uint64_t kTold = 100;

  void write_first_pending() {
    const feed::FeedAlert& a = pending_lines_.front();
    if (journal_ != nullptr && a.kind == feed::FeedAlertKind::kGap) journal_->gap(a);
    if (journal_ != nullptr && a.kind == feed::FeedAlertKind::kBreaker && a.breaker < breakers_.size()) {
      journal_->breaker(a, breakers_[a.breaker]);
    }
    pending_lines_.pop_front();
  }
  void tally(const feed::FeedAlert& a) {
    if (a.breaker >= breaker_figures_.size()) return;
    BreakerTally& t = breaker_figures_[a.breaker];
    const auto to = static_cast<breakers::State>(a.to_state);
    if (!t.open && to != breakers::State::kClosed) {
      ++t.opened;
      t.open = true;
      t.since_ns = a.exchange_ns;
    } else if (t.open && to == breakers::State::kClosed) {
      const std::uint64_t length = a.exchange_ns >= t.since_ns ? a.exchange_ns - t.since_ns : 0;
      t.open_ns += length;
      t.longest_ns = std::max(t.longest_ns, length);
      t.open = false;
    }
  }
  void say(const feed::FeedAlert& a) {
    ++counts_[static_cast<std::size_t>(a.kind)];
    if (a.kind == feed::FeedAlertKind::kBreaker) tally(a);
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
      case feed::FeedAlertKind::kBreaker: {
        if (a.breaker >= breakers_.size()) break;
        const breakers::BreakerSpec& b = breakers_[a.breaker];
        std::fprintf(say_to_, "%s: alert: breaker %s %s%s (%s %s, %s %.6g against %.6g) at message %llu\n",
                     who_.c_str(), b.name.c_str(), breakers::kStateNames[a.to_state].data(),
                     a.shadow ? " (shadow: nothing done)" : "", breakers::kCauseNames[a.breaker_cause].data(),
                     breakers::kScopeNames[static_cast<std::size_t>(b.scope)].data(),
                     breakers::kTriggerNames[static_cast<std::size_t>(b.trigger)].data(), a.value, a.threshold,
                     static_cast<unsigned long long>(a.sequence));
        break;
      }
    }
  }

  std::string who_;
  format::JournalWriter* journal_;
  bool wait_when_full_;
  std::FILE* say_to_;
  sched::SpscRing<feed::FeedAlert> ring_;
  std::deque<feed::FeedAlert> pending_lines_;  // gaps and breaker transitions, to be journaled by key
  std::uint64_t counts_[4] = {};
  std::vector<breakers::BreakerSpec> breakers_;
  std::vector<BreakerTally> breaker_figures_;
  std::uint64_t told_ = 0;
  std::atomic<std::uint64_t> dropped_{0};  // the RX thread's; read by others
};

}  // namespace tickwire::session
