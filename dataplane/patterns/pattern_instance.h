// A pattern instance: one [pattern.NAME] table's template with its parameters, over the
// securities it names. It runs on one pattern thread, in the merge order, on event time, and
// keeps bounded state sized when it is built (no allocation once it runs).
//
// The engine calls on_update() for each update of a security the instance watches (after the
// thread's market state took it in), and on_batch_end() once per batch (the updates of one
// time) that touched one of them: templates that compare securities or venues decide there,
// once the batch's updates are all in.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dataplane/patterns/market_state.h"
#include "dataplane/patterns/market_update.h"
#include "dataplane/patterns/pattern_signal.h"
#include "dataplane/patterns/security_directory.h"

namespace tickwire::patterns {

// The batch as instances see it at its end.
struct BatchView {
  std::uint64_t time_ns = 0;
  const MarketUpdate* last = nullptr;         // the batch's last update
  std::span<const std::uint32_t> touched;     // securities its updates touched, in first-touch order
  std::span<const MarketUpdate> last_touch;   // by the same index: the last update touching each
};

// Where an instance's signals go: filled by the instance, stamped and ordered by the engine.
class SignalOut {
 public:
  virtual ~SignalOut() = default;
  // A signal with its key set to the batch's last update (or `key`, when given: cross_venue
  // keys by the last update of the batch that touched the security). Null when the batch's
  // signal buffer is full (counted).
  virtual PatternSignal* signal(PatternSignalKind kind, const MarketUpdate* key = nullptr) noexcept = 0;
};

class PatternInstance {
 public:
  PatternInstance(std::uint32_t id, std::uint32_t version) : id_(id), version_(version) {}
  virtual ~PatternInstance() = default;
  PatternInstance(const PatternInstance&) = delete;
  PatternInstance& operator=(const PatternInstance&) = delete;

  // The securities it names, by symbol (legs in order); none when it watches every security.
  [[nodiscard]] virtual std::span<const Symbol> legs() const noexcept = 0;
  [[nodiscard]] virtual bool watches_all() const noexcept { return false; }
  // Leg `leg` is now the security `security` (a named security seen for the first time).
  virtual void resolved(std::size_t leg, std::uint32_t security) noexcept { (void)leg, (void)security; }

  // Whether on_update() does anything: the engine calls it only for instances that say so
  // (most evaluate at the end of a batch, and a call per update per instance would cost a
  // cold instance's cache lines on every update).
  [[nodiscard]] virtual bool reads_updates() const noexcept { return false; }
  virtual void on_update(const MarketState& market, std::uint32_t security, const MarketUpdate& u,
                         SignalOut& out) noexcept {
    (void)market, (void)security, (void)u, (void)out;
  }
  virtual void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept {
    (void)market, (void)batch, (void)out;
  }
  // A feed's next trading day: what was kept about its legs belongs to another day.
  virtual void on_day_begins(std::uint16_t feed) noexcept { (void)feed; }

  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  [[nodiscard]] std::uint32_t version() const noexcept { return version_; }
  // The engine's bookkeeping: its running count of signals (which orders its signals of one
  // batch).
  std::uint32_t emitted = 0;

 private:
  std::uint32_t id_;
  std::uint32_t version_;
};

}  // namespace tickwire::patterns
