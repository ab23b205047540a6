// The RX core's last step: the book builder's events, gathered per message, keyed for the
// stream order (events::StreamKeys), classified (the table is read through an RCU-published
// pointer) and pushed, one unit per instrument the message touches, onto the inbox of the
// worker that owns the instrument. A full ring follows its class's policy; with
// backpressure the RX core waits here, which is the only place it ever waits.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <thread>

#include "dataplane/breakers/machine_breakers.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/core/qsbr.h"
#include "dataplane/events/classification.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/sched/worker.h"

namespace tickwire::sched {

inline constexpr std::size_t kMaxWorkers = 16;

// A hot swap as the control plane asks for it: slot `slot` of every worker's pipeline gets
// its own new instance (stages keep per-instrument state; each worker has its own).
struct SwapRequest {
  std::uint32_t slot = 0;
  std::uint32_t version = 0;
  std::uint64_t at_sequence = 0;  // 0: at the next message; else at the first message >= it
  std::array<stages::Stage*, kMaxWorkers> stages{};
};

struct RouterStats {
  std::uint64_t messages = 0;
  std::uint64_t too_large = 0;  // more events than a ring record allows: dropped, counted
  std::uint64_t full_waits = 0; // messages that waited for room (backpressure)
  std::uint64_t swaps = 0;      // hot swaps handed to the workers
  std::uint64_t sequence_out_of_range = 0;  // above events::kMaxKeyedSequence: dropped, counted
  std::uint64_t sessions = 0;   // MoldUDP64 sessions seen after the first
  // Units not queued because a system breaker's ladder step said so, by class.
  std::array<std::uint64_t, kPriorityClassCount> breaker_shed{};
};

// Cache-line aligned: the RX core writes it for every message, and a line shared with a
// worker's state would cross between the cores each time.
class alignas(kCacheLine) EventRouter {
 public:
  EventRouter(std::span<Worker* const> workers, events::Classifier& classifier,
              const std::atomic<const events::ClassificationTable*>& table, RxProgress& progress) noexcept
      : workers_(workers), classifier_(classifier), table_(table), progress_(progress) {}

  // The book builder's sink: one message's events, which routing rewrites in place (the
  // stream key; the end-of-unit flag too, unless the message touches two books and is
  // regrouped into copies) before it copies them into the rings.
  void message(std::span<events::Event> m) noexcept {
    if (m.empty()) return;
    route(m.first(std::min(m.size(), kMaxMessageEvents)), m.size() > kMaxMessageEvents);
  }
  // The same, an event at a time (the last one flagged kLastInMessage).
  void operator()(const events::Event& e) noexcept {
    if (TW_LIKELY(buffered_ < kMaxMessageEvents)) {
      events_[buffered_] = e;
    }
    ++buffered_;
    if (e.flags & events::kLastInMessage) {
      route(std::span<events::Event>(events_.data(), std::min(buffered_, kMaxMessageEvents)),
            buffered_ > kMaxMessageEvents);
      buffered_ = 0;
    }
  }

  // System breakers on the fill of the workers' rings, looked at every publish; their
  // transitions go to `post(context, alert)`.
  using AlertPost = void (*)(void* context, const feed::FeedAlert& alert);
  void run_machine_breakers(breakers::MachineBreakers& machine, AlertPost post, void* context) noexcept {
    machine_ = &machine;
    machine_post_ = post;
    machine_context_ = context;
  }

  // Where the control plane's swap requests come from (none: no hot swaps).
  void accept_swaps(SpscRing<SwapRequest>& requests) noexcept { requests_ = &requests; }
  // Scripted swaps (a backtest that changes parameters every N messages): the control plane
  // asks for one at every multiple of `every`, and the RX core waits for it rather than pass
  // its sequence without it, so the swap lands at the same message on every run.
  void expect_swap_every(std::uint64_t every) noexcept {
    swap_every_ = every;
    next_scripted_swap_ = every;
  }
  // Reports a quiescent state to `domain` after every message (what the control plane waits
  // for before it frees a table it replaced). Call from the RX thread, once.
  void report_quiescence(QsbrDomain& domain, std::uint32_t reader) noexcept {
    qsbr_ = &domain;
    reader_ = reader;
    domain.join(reader);
  }
  // The end of a burst (a received batch of packets, or nothing more to do for now): what
  // was staged becomes visible to the workers, rings first, then the progress that vouches
  // for them. Between bursts the RX core writes no line a worker reads.
  void publish() noexcept {
    if (unpublished_ == 0) return;
    for (Worker* w : workers_) w->inbox().publish();
    progress_.receive_clock_ns.store(last_receive_ns_, std::memory_order_relaxed);
    progress_.last_pushed_sequence.store(last_sequence_, std::memory_order_release);
    unpublished_ = 0;
    if (machine_ != nullptr) [[unlikely]] observe_machine();
  }

  // Nothing received this poll: a quiescent state all the same, so a table replaced while
  // the market is quiet is freed without waiting for the next message.
  void idle() noexcept {
    if (qsbr_ != nullptr) qsbr_->quiescent(reader_);
  }

  // Lets waiting workers finish: nothing more will come.
  void finish() noexcept {
    publish();
    if (qsbr_ != nullptr) qsbr_->leave(reader_);
    progress_.finished.store(true, std::memory_order_release);
  }

  [[nodiscard]] const RouterStats& stats() const noexcept { return stats_; }

  // The stream key of a gap declared now (see events::StreamKeys): where its journal line
  // goes among the workers' merged output.
  [[nodiscard]] std::uint64_t gap_key(std::uint64_t first, std::uint64_t last) noexcept {
    const std::uint64_t key = keys_.gap(first, last);
    stats_.sessions = keys_.ordinal();
    return key;
  }

 private:
  // `too_large`: the message had more events than a ring record holds (`m` is its first ones).
  void route(std::span<events::Event> m, bool too_large) noexcept {
    ++stats_.messages;
    const events::Event& last = m.back();
    const std::uint64_t feed_sequence = last.sequence;
    if (TW_UNLIKELY(feed_sequence > events::kMaxKeyedSequence)) {
      ++stats_.sequence_out_of_range;
      if (qsbr_ != nullptr) qsbr_->quiescent(reader_);
      return;
    }
    const std::uint64_t sequence = keys_.message(feed_sequence);
    stats_.sessions = keys_.ordinal();
    for (events::Event& e : m) e.sequence = sequence;
    if (TW_UNLIKELY(requests_ != nullptr)) forward_swaps(feed_sequence, sequence);
    if (TW_UNLIKELY(too_large)) {
      ++stats_.too_large;
    } else {
      route_units(m);
    }
    last_sequence_ = sequence;
    last_feed_sequence_ = feed_sequence;
    last_exchange_ns_ = last.exchange_time_ns;
    last_receive_ns_ = last.receive_time_ns;
    // A burst longer than this is published on the way, so workers never wait on a long one.
    if (++unpublished_ == kMaxUnpublished) publish();
    if (qsbr_ != nullptr) qsbr_->quiescent(reader_);
  }

  static constexpr std::uint32_t kMaxUnpublished = 64;

  // Each instrument's events of the message, in their order, go as one unit to the worker
  // that owns the instrument. Almost every message is one instrument's; one that touches two
  // books (Y, X, Y: a replace whose new reference still rests in X's book) is regrouped, so
  // each instrument's part is one unit and runs whole, in order.
  void route_units(std::span<events::Event> m) noexcept {
    const std::size_t count = m.size();
    const std::uint32_t first = m[0].instrument;
    bool one_instrument = true;
    for (std::size_t i = 1; i < count; ++i) one_instrument &= m[i].instrument == first;
    if (TW_LIKELY(one_instrument)) {
      m[count - 1].flags |= events::kEndOfUnit;
      push_unit(m);
      return;
    }
    std::array<bool, kMaxMessageEvents> taken{};
    for (std::size_t i = 0; i < count; ++i) {
      if (taken[i]) continue;
      std::size_t n = 0;
      for (std::size_t j = i; j < count; ++j) {
        if (taken[j] || m[j].instrument != m[i].instrument) continue;
        taken[j] = true;
        unit_[n++] = m[j];
      }
      unit_[n - 1].flags |= events::kEndOfUnit;
      push_unit(std::span<const events::Event>(unit_.data(), n));
    }
  }

  // The fullest non-critical ring of any worker, percent.
  [[nodiscard]] double ring_fill() noexcept {
    double fullest = 0;
    for (Worker* w : workers_) {
      for (std::size_t c = index_of(PriorityClass::kHigh); c < kPriorityClassCount; ++c) {
        const SpscRing<events::Event>& ring = w->inbox().ring(c);
        fullest = std::max(fullest, static_cast<double>(ring.size()) * 100.0 / static_cast<double>(ring.capacity()));
      }
    }
    return fullest;
  }
  void observe_machine() noexcept {
    machine_->observe(last_receive_ns_, last_exchange_ns_, ring_fill(), last_feed_sequence_, last_sequence_,
                      [this](const feed::FeedAlert& a) { machine_post_(machine_context_, a); });
  }
  // Whether the engaged ladder steps leave this unit out: shed_low a low one; critical_only
  // any that is neither critical nor carries a top of book, a trade or a state change.
  [[nodiscard]] static bool left_out(breakers::StepMask steps, PriorityClass c,
                                     std::span<const events::Event> unit) noexcept {
    if (c == PriorityClass::kCritical) return false;
    if (steps & breakers::bit(breakers::Step::kCriticalOnly)) {
      for (const events::Event& e : unit) {
        if (e.kind == events::EventKind::kTopOfBook || e.kind == events::EventKind::kTrade ||
            e.kind == events::EventKind::kTradingState || e.kind == events::EventKind::kMarketState) {
          return false;
        }
      }
      return true;
    }
    return (steps & breakers::bit(breakers::Step::kShedLow)) && c == PriorityClass::kLow;
  }

  void push_unit(std::span<const events::Event> unit) noexcept {
    const PriorityClass c = classifier_.classify(unit, *table_.load(std::memory_order_acquire));
    const auto steps = static_cast<breakers::StepMask>(((unit.front().flags & events::kStepFlags) >> events::kStepShift) |
                                                       (machine_ != nullptr ? machine_->engaged() : 0));
    if (steps != 0 && left_out(steps, c, unit)) [[unlikely]] {
      ++stats_.breaker_shed[index_of(c)];
      return;
    }
    Worker& w = *workers_[unit.front().instrument % workers_.size()];
    PushResult r = w.inbox().stage(unit, c);
    if (TW_UNLIKELY(r == PushResult::kFull)) {
      ++stats_.full_waits;
      w.inbox().count_full_wait(c);
      publish();  // the worker can only make room for what it sees
      for (std::uint32_t spins = 1; (r = w.inbox().stage(unit, c)) == PushResult::kFull; ++spins) {
        cpu_relax();
        // More workers than cores (replay on a small machine): let the worker run.
        if (spins % 1024 == 0) std::this_thread::yield();
      }
    }
  }

  // Swaps due by this message go to every worker before the message does, effective at it.
  // A worker holds a bounded number of versions; past that the RX core waits for it to
  // retire one (it does as soon as it has run the messages pushed so far). What is due is
  // judged on the feed sequence, as the control plane and inline replay count; the swap takes
  // effect at the message's stream key.
  void forward_swaps(std::uint64_t feed_sequence, std::uint64_t sequence) noexcept {
    // The script runs again with each session (day): swaps at every multiple of the day's sequence.
    if (TW_UNLIKELY(scripted_session_ != keys_.ordinal())) {
      scripted_session_ = keys_.ordinal();
      next_scripted_swap_ = swap_every_;
    }
    while (swap_every_ != 0 && next_scripted_swap_ <= feed_sequence) {
      publish();
      for (std::uint32_t spins = 1; requests_->front() == nullptr; ++spins) {
        cpu_relax();
        if (spins % 1024 == 0) std::this_thread::yield();
      }
      forward(*requests_->front(), sequence);
      requests_->pop();
      next_scripted_swap_ += swap_every_;
    }
    for (const SwapRequest* r; (r = requests_->front()) != nullptr && r->at_sequence <= feed_sequence;
         requests_->pop()) {
      forward(*r, sequence);
    }
  }

  void forward(const SwapRequest& request, std::uint64_t sequence) noexcept {
    publish();  // a worker retires versions only as it runs what it can see
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      Worker& worker = *workers_[w];
      const StageSwap swap{request.slot, stages::StageVersion{request.stages[w], sequence, request.version}};
      for (std::uint32_t spins = 1;
           forwarded_[w] - worker.versions_retired() >= stages::StageVersions::kMaxVersions - 1 ||
           !worker.swaps().try_push(swap);
           ++spins) {
        cpu_relax();
        if (spins % 1024 == 0) std::this_thread::yield();
      }
      ++forwarded_[w];
    }
    ++stats_.swaps;
  }


  std::span<Worker* const> workers_;
  events::Classifier& classifier_;
  const std::atomic<const events::ClassificationTable*>& table_;
  RxProgress& progress_;
  std::array<events::Event, kMaxMessageEvents> events_{};
  std::array<events::Event, kMaxMessageEvents> unit_{};  // one instrument's part of a mixed message
  std::size_t buffered_ = 0;
  RouterStats stats_;
  events::StreamKeys keys_;
  SpscRing<SwapRequest>* requests_ = nullptr;
  std::array<std::uint64_t, kMaxWorkers> forwarded_{};
  std::uint64_t last_sequence_ = 0;
  std::uint64_t last_feed_sequence_ = 0;
  std::uint64_t last_exchange_ns_ = 0;
  std::uint64_t last_receive_ns_ = 0;
  breakers::MachineBreakers* machine_ = nullptr;
  AlertPost machine_post_ = nullptr;
  void* machine_context_ = nullptr;
  std::uint32_t unpublished_ = 0;
  std::uint64_t swap_every_ = 0;
  std::uint64_t next_scripted_swap_ = 0;
  std::uint64_t scripted_session_ = 0;  // the session ordinal next_scripted_swap_ counts in
  QsbrDomain* qsbr_ = nullptr;
  std::uint32_t reader_ = 0;
};
static_assert(events::MessageSink<EventRouter>);

}  // namespace tickwire::sched
