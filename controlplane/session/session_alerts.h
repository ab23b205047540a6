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

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <unordered_map>
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
    summarize_securities(false);
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
    summarize_securities(true);
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
  // A security breaker's count every instrument's episodes; open_now is how many are open.
  struct BreakerTally {
    std::uint64_t opened = 0;
    std::uint64_t open_ns = 0;
    std::uint64_t longest_ns = 0;
    std::uint64_t since_ns = 0;
    bool open = false;
    std::uint64_t open_now = 0;
    std::uint64_t securities = 0;  // security scope: instruments that opened at least once
  };
  [[nodiscard]] const std::vector<breakers::BreakerSpec>& breakers() const noexcept { return breakers_; }
  [[nodiscard]] const std::vector<BreakerTally>& breaker_tallies() const noexcept { return breaker_figures_; }

 private:
  // Enough for a burst of holes behind a full reorder buffer; the merge thread drains it
  // every pass.
  static constexpr std::size_t kRingCapacity = 4096;
  // A gap storm must not flood the terminal: the first alerts are told, all are counted.
  static constexpr std::uint64_t kTold = 100;
  // A storm over thousands of securities stays readable: this many security transitions are
  // told a second, the rest summed up in one line a second per breaker.
  static constexpr std::uint64_t kSecurityToldPerSecond = 10;

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
    if (breakers_[a.breaker].scope == breakers::Scope::kSecurity) return tally_security(t, a, to);
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
  void tally_security(BreakerTally& t, const feed::FeedAlert& a, breakers::State to) {
    const std::uint64_t key = (std::uint64_t{a.breaker} << 32) | a.instrument;
    const auto it = security_since_.find(key);
    const bool was_open = it != security_since_.end() && it->second.open;
    if (!was_open && to != breakers::State::kClosed) {
      ++t.opened;
      ++t.open_now;
      if (it == security_since_.end()) ++t.securities;
      security_since_[key] = {a.exchange_ns, true};
    } else if (was_open && to == breakers::State::kClosed) {
      const std::uint64_t length = a.exchange_ns >= it->second.since_ns ? a.exchange_ns - it->second.since_ns : 0;
      t.open_ns += length;
      t.longest_ns = std::max(t.longest_ns, length);
      --t.open_now;
      it->second.open = false;
    }
    t.open = t.open_now != 0;
  }
  // Once a second (and at the end): per security breaker, what was not told.
  void summarize_securities(bool at_end) {
    const auto now = std::chrono::steady_clock::now();
    if (!at_end && now - second_began_ < std::chrono::seconds(1)) return;
    for (std::size_t i = 0; i < held_.size(); ++i) {
      if (held_[i] == 0 || say_to_ == nullptr) continue;
      std::fprintf(say_to_, "%s: alert: breaker %s: %llu more security transitions not told; %llu securities open now\n",
                   who_.c_str(), breakers_[i].name.c_str(), static_cast<unsigned long long>(held_[i]),
                   static_cast<unsigned long long>(breaker_figures_[i].open_now));
    }
    held_.assign(held_.size(), 0);
    told_this_second_ = 0;
    second_began_ = now;
  }
  // A security transition: told within the second's allowance, else held for the summary.
  bool tell_security(const feed::FeedAlert& a) {
    const auto now = std::chrono::steady_clock::now();
    if (now - second_began_ >= std::chrono::seconds(1)) summarize_securities(false);
    if (told_this_second_ < kSecurityToldPerSecond) {
      ++told_this_second_;
      return true;
    }
    held_.resize(breakers_.size());
    ++held_[a.breaker];
    return false;
  }
  void say(const feed::FeedAlert& a) {
    // New settings move nothing: journaled and told, not counted as a transition.
    if (a.kind != feed::FeedAlertKind::kBreaker || a.breaker_cause != static_cast<std::uint8_t>(breakers::Cause::kSet)) {
      ++counts_[static_cast<std::size_t>(a.kind)];
    }
    if (a.kind == feed::FeedAlertKind::kBreaker) tally(a);
    const bool security =
        a.kind == feed::FeedAlertKind::kBreaker && a.breaker < breakers_.size() &&
        breakers_[a.breaker].scope == breakers::Scope::kSecurity;
    if (security) {
      if (say_to_ != nullptr && tell_security(a)) say_security(a);
      return;
    }
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

  void say_security(const feed::FeedAlert& a) {
    const breakers::BreakerSpec& b = breakers_[a.breaker];
    std::string_view stock(a.stock, sizeof a.stock);
    while (!stock.empty() && (stock.back() == ' ' || stock.back() == '\0')) stock.remove_suffix(1);
    std::string shown;
    for (const char c : stock) shown += c >= ' ' && c < 127 ? c : '?';  // a hostile feed's bytes stay off the terminal
    std::fprintf(say_to_, "%s: alert: breaker %s %s for %s%s (%s, %s %.6g against %.6g) at message %llu\n",
                 who_.c_str(), b.name.c_str(), breakers::kStateNames[a.to_state].data(), shown.c_str(),
                 a.shadow ? " (shadow: nothing done)" : "", breakers::kCauseNames[a.breaker_cause].data(),
                 breakers::kTriggerNames[static_cast<std::size_t>(b.trigger)].data(), a.value, a.threshold,
                 static_cast<unsigned long long>(a.sequence));
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
  struct OpenSince {
    std::uint64_t since_ns;
    bool open;
  };
  std::unordered_map<std::uint64_t, OpenSince> security_since_;  // (breaker, instrument) -> its episode
  std::vector<std::uint64_t> held_;  // per breaker: security transitions not told this second
  std::uint64_t told_this_second_ = 0;
  std::chrono::steady_clock::time_point second_began_ = std::chrono::steady_clock::now();
  std::uint64_t told_ = 0;
  std::atomic<std::uint64_t> dropped_{0};  // the RX thread's; read by others
};

}  // namespace tickwire::session
