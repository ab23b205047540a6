// The stages of one core, run in the order the configuration gives, on the events of each
// message as the book builder hands them over (inline mode: no rings between cores; what
// deterministic replay and backtests use). Every call is timed with the TSC into the stage's
// histogram and checked against its budget; a stage that fails is disabled, counted, and the
// others go on.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "dataplane/core/cache.h"
#include "dataplane/events/event.h"
#include "dataplane/metrics/latency_histogram.h"
#include "dataplane/metrics/tsc_clock.h"
#include "dataplane/stages/overrun_policy.h"
#include "dataplane/stages/stage.h"
#include "dataplane/stages/stage_versions.h"

namespace tickwire::stages {

struct StageSlot {
  Stage* stage = nullptr;        // as built: names the slot
  StageVersions versions;        // what runs, by sequence (hot swaps)
  std::uint64_t budget_ns = 0;  // 0: no budget
  OverrunPolicy overrun = OverrunPolicy::kCount;
  // The policy is lifted after this many calls in a row fit the budget: one fast call between
  // slow ones says little, and lifting at once would let every other low message through.
  std::uint32_t calls_to_recover = 64;
  std::uint32_t fitting_calls = 0;  // in a row, while the policy is in force
  bool enabled = true;
  bool over_budget = false;     // a call overran and the policy is in force
  std::uint64_t calls = 0;
  std::uint64_t overruns = 0;   // calls that took longer than the budget
  std::uint64_t skipped = 0;    // low-class messages that bypassed the stage (skip_low)
  std::uint64_t degraded_calls = 0;
  std::uint64_t failures = 0;    // calls that failed, thrown exceptions included
  std::uint64_t exceptions = 0;
  metrics::LatencyHistogram cost;
};

class InlinePipeline {
 public:
  static constexpr std::size_t kMaxStages = 8;
  static constexpr std::size_t kMaxEventsPerMessage = events::kMaxEventsPerMessage;

  InlinePipeline(SignalSink& out, metrics::TscClock clock) noexcept : out_(out), clock_(clock) {}

  [[nodiscard]] bool add(Stage& stage, std::uint64_t budget_ns, OverrunPolicy overrun = OverrunPolicy::kCount,
                         std::uint32_t calls_to_recover = 64) noexcept {
    if (count_ == kMaxStages) return false;
    slots_[count_].stage = &stage;
    slots_[count_].versions.reset(&stage);
    slots_[count_].budget_ns = budget_ns;
    slots_[count_].overrun = overrun;
    slots_[count_].calls_to_recover = calls_to_recover == 0 ? 1 : calls_to_recover;
    ++count_;
    return true;
  }
  // Where decisions about stages go (the journal); null: nowhere.
  void set_notice_sink(StageNoticeSink* sink) noexcept { notices_ = sink; }

  // The book builder's event sink.
  void operator()(const events::Event& e) noexcept {
    if (TW_LIKELY(buffered_ < kMaxEventsPerMessage)) {
      events_[buffered_++] = e;
    } else {
      ++events_over_capacity_;
    }
    if (e.flags & events::kLastInMessage) {
      run_message({events_.data(), buffered_});
      buffered_ = 0;
    }
  }

  // The book builder's sink, a whole message at a time (no copy into the message buffer).
  void message(std::span<const events::Event> m) noexcept {
    if (!m.empty()) (void)run_message(m);
  }

  // One whole message (a worker hands them over from its rings). `low_class`: the message is
  // of the lowest priority class, which a stage over its budget may skip. Returns the TSC at
  // which the last stage that ran finished (the start, if none ran), so a caller timing the
  // message need not read the clock again; a notice told after it is not included.
  std::uint64_t run_message(std::span<const events::Event> batch, bool low_class = false) noexcept {
    const std::uint64_t start = metrics::TscClock::now();
    const std::uint64_t sequence = batch.front().sequence;
    std::uint64_t t0 = start;
    for (std::size_t i = 0; i < count_; ++i) {
      StageSlot& s = slots_[i];
      if (!s.enabled) continue;
      if (TW_UNLIKELY(s.over_budget) && s.overrun == OverrunPolicy::kSkipLow && low_class) {
        ++s.skipped;
        tell(sequence, i, StageNoticeKind::kSkipped);
        continue;
      }
      Stage* stage = s.versions.for_sequence(sequence).stage;
      bool ok = false;
      try {
        ok = stage->process(batch, out_);
      } catch (...) {
        ++s.exceptions;  // no cost unless thrown: the stage is only disabled
      }
      const std::uint64_t t1 = metrics::TscClock::now();
      const std::uint64_t ns = clock_.to_ns(t1 - t0);
      s.cost.record(ns);
      ++s.calls;
      const bool over = s.budget_ns != 0 && ns > s.budget_ns;
      if (over) ++s.overruns;
      if (s.over_budget && s.overrun == OverrunPolicy::kDegrade) ++s.degraded_calls;
      if (TW_UNLIKELY(s.overrun != OverrunPolicy::kCount) && (over || s.over_budget)) apply_policy(s, i, over, stage, sequence);
      if (TW_UNLIKELY(!ok)) {
        ++s.failures;
        s.enabled = false;
        tell(sequence, i, StageNoticeKind::kDisabled);
      }
      t0 = t1;
    }
    message_cost_.record(clock_.to_ns(t0 - start));
    ++messages_;
    events_seen_ += batch.size();
    return t0;
  }

  [[nodiscard]] std::span<const StageSlot> slots() const noexcept { return {slots_.data(), count_}; }

  // Hot swap: from `v.effective_sequence` on, slot `slot` runs `v.stage` (a failed slot runs
  // again: the new instance replaces the one that failed). False: no such slot, or too many
  // versions still in use (retry after retire()).
  [[nodiscard]] bool install(std::size_t slot, const StageVersion& v) noexcept {
    if (slot >= count_ || !slots_[slot].versions.install(v)) return false;
    slots_[slot].enabled = true;
    slots_[slot].over_budget = false;  // a new instance starts in its full mode
    slots_[slot].fitting_calls = 0;
    ++swaps_;
    return true;
  }
  // Versions no message below `retired_before` still needs go to `give_back`.
  template <class GiveBack>
  void retire(std::uint64_t retired_before, GiveBack&& give_back) noexcept {
    for (std::size_t i = 0; i < count_; ++i) slots_[i].versions.retire(retired_before, give_back);
  }
  [[nodiscard]] std::uint64_t swaps() const noexcept { return swaps_; }
  template <class F>
  void for_each_version(F&& f) const {
    for (std::size_t i = 0; i < count_; ++i) slots_[i].versions.for_each(f);
  }
  [[nodiscard]] std::uint64_t messages() const noexcept { return messages_; }
  [[nodiscard]] std::uint64_t events() const noexcept { return events_seen_; }
  [[nodiscard]] std::uint64_t events_over_capacity() const noexcept { return events_over_capacity_; }
  // All stages, per message: the pipeline's share of a message's latency.
  [[nodiscard]] const metrics::LatencyHistogram& message_cost() const noexcept { return message_cost_; }

 private:
  // In force from an overrun until calls_to_recover calls in a row fit the budget.
  void apply_policy(StageSlot& s, std::size_t slot, bool over, Stage* stage, std::uint64_t sequence) noexcept {
    if (over) {
      s.fitting_calls = 0;
      if (s.over_budget) return;
      s.over_budget = true;
    } else if (++s.fitting_calls < s.calls_to_recover) {
      return;
    } else {
      s.over_budget = false;
    }
    if (s.overrun == OverrunPolicy::kDegrade) stage->set_degraded(s.over_budget);
    tell(sequence, slot, s.over_budget ? StageNoticeKind::kOverBudget : StageNoticeKind::kWithinBudget);
  }

  void tell(std::uint64_t sequence, std::size_t slot, StageNoticeKind kind) noexcept {
    if (notices_ != nullptr) notices_->notice({sequence, static_cast<std::uint32_t>(slot), kind});
  }

  SignalSink& out_;
  StageNoticeSink* notices_ = nullptr;
  metrics::TscClock clock_;
  std::array<StageSlot, kMaxStages> slots_{};
  std::size_t count_ = 0;
  std::array<events::Event, kMaxEventsPerMessage> events_{};
  std::size_t buffered_ = 0;
  std::uint64_t messages_ = 0;
  std::uint64_t events_seen_ = 0;
  std::uint64_t events_over_capacity_ = 0;
  std::uint64_t swaps_ = 0;
  metrics::LatencyHistogram message_cost_;
};
static_assert(events::MessageSink<InlinePipeline>);

}  // namespace tickwire::stages
