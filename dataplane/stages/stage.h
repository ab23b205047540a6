// A pipeline stage: it sees the events of one message at a time, in feed sequence order, and
// may emit signals. Stages act at message boundaries: the events of a message arrive
// together (the delete half of a replace is not a liquidity drop by itself).
#pragma once

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
};

}  // namespace tickwire::stages
