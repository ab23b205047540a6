// A pipeline stage: it sees the events of one message at a time, in feed sequence order, and
// may emit signals. Stages act at message boundaries: the events of a message arrive
// together (the delete half of a replace is not a liquidity drop by itself).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "dataplane/events/event.h"
#include "dataplane/stages/signal.h"

namespace tickwire::stages {

class SignalSink {
 public:
  virtual ~SignalSink() = default;
  virtual void emit(const Signal& signal) noexcept = 0;
};

class Stage {
 public:
  virtual ~Stage() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  // The events of one message. False: the stage failed and must not be called again (the
  // pipeline disables it, counts it and raises an alert; the others go on). Not noexcept,
  // though no stage of ours throws: a stage loaded from a shared object might, and the
  // pipeline then treats it as failed instead of the process dying.
  [[nodiscard]] virtual bool process(std::span<const events::Event> message_events, SignalSink& out) = 0;
  // The pipeline's "degrade" overrun policy: while set, do less (the stage says what) to get
  // back within budget. A stage without a cheaper mode ignores it.
  virtual void set_degraded(bool /*degraded*/) noexcept {}
};

// What a pipeline decided about a stage, for the journal: decisions taken on measured time,
// or a failure, are part of what a replay did.
enum class StageNoticeKind : std::uint8_t {
  kOverBudget = 0,    // a call overran: the overrun policy now applies (skip_low, degrade)
  kWithinBudget = 1,  // a call fit its budget again: the policy no longer applies
  kSkipped = 2,       // this low-class message bypassed the stage (skip_low, over budget)
  kDisabled = 3,      // the stage failed or threw at this message; it runs again after a swap
};
inline constexpr std::array<std::string_view, 4> kStageNoticeNames = {"over_budget", "within_budget", "skipped",
                                                                      "disabled"};

struct StageNotice {
  std::uint64_t sequence;  // the message it was decided at
  std::uint32_t slot;
  StageNoticeKind kind;
};

class StageNoticeSink {
 public:
  virtual ~StageNoticeSink() = default;
  virtual void notice(const StageNotice& notice) noexcept = 0;
};

}  // namespace tickwire::stages
