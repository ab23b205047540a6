// What sits between the feed and the stages in a pipeline session (replay, run): scripted
// swaps, the event tap, paced release, the sink the sequencer delivers to, and the
// re-request rung of recovery. Header-only: templated on where
// the events go (the inline pipeline, or the RX core's router).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "controlplane/session/feed_input.h"
#include "controlplane/report/feed_report.h"
#include "controlplane/session/rx_figures.h"
#include "controlplane/session/session_alerts.h"
#include "controlplane/session/stop_signal.h"
#include "controlplane/config/app_config.h"
#include "controlplane/format/journal_writer.h"
#include "controlplane/recovery/recovering_feed.h"
#include "controlplane/recovery/rerequest_client.h"
#include "controlplane/recovery/snapshot_join.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/metrics/arrival_schedule.h"
#include "dataplane/patterns/market_tap.h"
#include "dataplane/sched/inline_output.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::session {

// Scripted hot swaps: slot 0 gets a fresh detector at every multiple of `every` (the
// backtest of a parameter change, and the swap storm of the tests).
struct SwapScript {
  std::uint64_t every = 0;
  std::uint64_t next_at = 0;
  std::uint32_t version = 0;
  std::function<std::unique_ptr<stages::Stage>()> make;  // a new instance for slot 0
  std::uint64_t last_sequence = 0;  // a sequence below it starts a new day, and the script again
};

// Between the book builder and the inline pipeline: each message keyed and its retired events
// handed to the output (InlineOutput) first, scripted swaps at message boundaries as a worker
// would make them, then the stages, whose signals go to the output too.
struct EventTap {
  stages::InlinePipeline& pipeline;
  sched::InlineOutput& output;
  SwapScript* swaps = nullptr;
  // The book builder's sink, a whole message at a time.
  void message(std::span<events::Event> m) {
    if (m.empty()) return;
    const std::uint64_t feed_sequence = m.front().sequence;
    const std::uint64_t key = output.begin_message(m);
    if (swaps != nullptr) swap_if_due(feed_sequence, key);
    pipeline.message(m);
    output.end_message(key);
  }
  // The ReplaySink's hooks: where a gap goes among the outputs.
  [[nodiscard]] std::uint64_t gap_key(std::uint64_t first, std::uint64_t last) noexcept {
    return output.gap_key(first, last);
  }
  void swap_if_due(std::uint64_t sequence, std::uint64_t key) {
    // Swaps fall at every multiple of `every` of each day's sequence, as the router counts.
    if (sequence < swaps->last_sequence) swaps->next_at = swaps->every;
    swaps->last_sequence = sequence;
    for (; swaps->next_at <= sequence; swaps->next_at += swaps->every) {
      const std::uint32_t version = ++swaps->version;
      std::unique_ptr<stages::Stage> next = swaps->make();
      if (!next || !pipeline.install(0, {next.get(), key, version})) continue;
      (void)next.release();  // the pipeline's now, until retired
      output.swap(key, 0, version);
      // Inline, every earlier message has run: the old version is done with.
      pipeline.retire(key, [](const stages::StageVersion& v) {
        if (v.id != 0) delete v.stage;
        return true;
      });
    }
  }
};
static_assert(events::MessageSink<EventTap>);

// A paced replay: each message is released at its intended arrival time (the RX core spins
// until then), and latency is measured from that time. The sequencer and the stages still
// run on capture time, so pacing changes no decision and the journal stays the same.
struct Pacing {
  metrics::ArrivalSchedule* schedule = nullptr;  // null: as fast as possible (or live)
  metrics::TscClock clock;
  // Inline: intended arrival (paced) or receipt (live) to stages done; null: not measured.
  metrics::LatencyHistogram* inline_latency = nullptr;
};

template <class Events>
struct ReplaySink {
  book::BookBuilder<Events>& builder;
  Events* events = nullptr;  // set when it batches (the router): told at each burst's end
  Pacing pacing;
  std::uint64_t gaps = 0;

  // Where the RX core copies its figures when the control plane asks (`ctl stats`).
  RxSafePoint* safe_point = nullptr;

  // Between two packets: what is staged reaches the workers, and the RX figures may be
  // copied (every count of the packets before is complete).
  void end_of_burst() {
    publish();
    if (safe_point != nullptr) safe_point->serve();
  }
  void publish() {
    if constexpr (requires(Events& e) { e.publish(); }) {
      if (events != nullptr) events->publish();
    }
  }
  void idle() {
    if constexpr (requires(Events& e) { e.idle(); }) {
      if (events != nullptr) events->idle();
    }
    if (safe_point != nullptr) safe_point->serve();
  }
  // Hints for messages ahead of the one applied (book.prefetch): a BinaryFILE's runs call
  // prefetch_encoded() (book::apply_prefetched); a received burst is listed by the feed's
  // look-ahead and hinted here as its messages are applied.
  bool prefetch_ahead = true;
  [[nodiscard]] bool prefetching() const noexcept { return prefetch_ahead; }
  void prefetch_encoded(unsigned stage, book::MessageRef& m) const noexcept { builder.prefetch_encoded(stage, m); }
  void look_ahead(const std::uint8_t* message, std::size_t length) noexcept {
    if (prefetch_ahead) burst.add({message, length});
  }
  void reset_look_ahead() noexcept { burst.reset(); }

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    burst.before_apply([this](unsigned stage, book::MessageRef& ahead) { builder.prefetch_encoded(stage, ahead); });
    if (pacing.schedule == nullptr && pacing.inline_latency == nullptr) return builder(ctx, m);
    const std::uint64_t intended = pacing.schedule != nullptr ? wait_until_due(ctx) : ctx.receive_time_ns;
    if constexpr (requires(Events& e) { e.arrival_ns; }) {
      if (events != nullptr && pacing.schedule != nullptr) events->arrival_ns = intended;
    }
    builder(ctx, m);
    if (pacing.inline_latency != nullptr) {
      const std::uint64_t now = pacing.clock.to_ns(metrics::TscClock::now());
      pacing.inline_latency->record(now > intended ? now - intended : 0);
    }
  }
  void on_gap(const feed::SessionId& session, feed::SequenceRange lost, feed::GapCause cause) {
    ++gaps;
    builder.set_suspect(true);
    if (alerts != nullptr) {
      feed::FeedAlert a;
      a.kind = feed::FeedAlertKind::kGap;
      a.cause = cause;
      a.session = session;
      a.sequence = lost.first;
      a.last = lost.last;
      a.stream_key = lost.first;
      if constexpr (requires(Events& e) { e.gap_key(lost.first, lost.last); }) {
        if (events != nullptr) a.stream_key = events->gap_key(lost.first, lost.last);
      }
      alerts->post(a);
    }
  }
  // The next trading day: the books start empty (what stages keep per instrument starts
  // afresh with each instrument's first event of the day, in stream order on every layout).
  void on_new_session(const feed::SessionId&) {
    builder.begin_day();
    if constexpr (requires(Events& e) { e.day_begins(); }) {
      if (events != nullptr) events->day_begins();
    }
    ++day;
    day_begins = true;
  }
  void on_line_state(unsigned line, bool stale, std::uint64_t receive_ns) {
    if (alerts == nullptr) return;
    feed::FeedAlert a;
    a.kind = stale ? feed::FeedAlertKind::kLineStale : feed::FeedAlertKind::kLineResumed;
    a.line = static_cast<std::uint8_t>(line);
    a.receive_ns = receive_ns;
    alerts->post(a);
  }
  SessionAlerts* alerts = nullptr;
  // The received burst's messages, listed ahead (a burst of 32 full frames of the shortest
  // messages holds more; the rest go unhinted).
  book::PrefetchSchedule<1024> burst{};

  // Trading days so far (the router's session ordinal), for the paced schedule.
  std::uint64_t day = 0;
  bool day_begins = false;
  std::uint64_t next_index = 0;  // the first place in the schedule no message has taken

 private:
  std::uint64_t wait_until_due(const feed::MessageContext& ctx) {
    metrics::ArrivalSchedule& schedule = *pacing.schedule;
    std::uint64_t now = pacing.clock.to_ns(metrics::TscClock::now());
    if (!schedule.started()) {
      schedule.start(now, ctx.sequence, ctx.receive_time_ns);
    } else if (day_begins) {
      schedule.begin_day(day, ctx.sequence, next_index);  // before the day's first message goes on
    }
    day_begins = false;
    const std::uint64_t intended = schedule.intended_ns(day, ctx.sequence, ctx.receive_time_ns);
    next_index = std::max(next_index, schedule.index(day, ctx.sequence) + 1);
    if (now >= intended) return intended;
    // The workers get what is staged before the RX core waits. Not a safe point for the
    // figures: this can be halfway through a packet, whose messages the sequencer counts
    // as delivered only once all of it is.
    publish();
    while (now < intended && !stop_requested()) {
      cpu_relax();
      now = pacing.clock.to_ns(metrics::TscClock::now());
    }
    return intended;
  }
};


// Applies a snapshot to the books through the session's builder, silently: stages see the
// market from the resume point on, the books hold everything before it.
template <class Builder>
struct SilentSnapshotApply {
  Builder& builder;
  metrics::FeedCounters counters{};  // the snapshot's messages, by type, and any refused
  recovery::SnapshotResult result{};
  feed::MessageContext ctx{};        // sequence 0: before every live message
  void message(const std::uint8_t* message, std::size_t length) {
    builder.set_silent(true);
    (void)feed::deliver_message(message, length, ctx, builder, counters);
  }
  void done(const recovery::SnapshotResult& r) {
    builder.set_silent(false);
    result = r;
    if (r.ok()) builder.set_suspect(false);  // the snapshot is the whole state
    if (r.ok() && tap != nullptr) tap->seed();  // the pattern layer starts from it too
  }
  patterns::MarketTap* tap = nullptr;  // the feed's tap into the pattern layer, if any
};

// The recovery ladder of a session's feed, as configured: the re-request rung
// (recovery.server), where a hole the other line has not filled within
// recovery.request_after_us is asked of the server from the RX thread (a replay waits for the
// answers; live, the RX loop takes them as they come and keeps reading its ports: see
// RecoveringFeed), and the snapshot rung for a late join (recovery.snapshot_server: from
// files the snapshot comes first; live it is fetched while the ports are read and what they
// bring meanwhile is held: see SnapshotJoin).
template <class Sink>
struct FeedRecovery {
  std::unique_ptr<recovery::RerequestClient> client;
  std::unique_ptr<recovery::RecoveringFeed<Sink>> feed;

  bool open(const config::AppConfig& config, feed::SequencedFeed<Sink>& sequenced, recovery::AnswerWait wait,
            std::string& error) {
    if (config.recovery_server.empty()) return true;
    const auto endpoint = net::parse_endpoint(config.recovery_server);
    if (!endpoint || endpoint->address == 0 || endpoint->port == 0) {
      error = "recovery.server: expected IP:PORT, got \"" + config.recovery_server + "\"";
      return false;
    }
    client = recovery::RerequestClient::open(*endpoint, error);
    if (!client) return false;
    recovery::RecoveryConfig policy = config.recovery;
    const std::uint64_t ask_after_ns = policy.request_after_ns;
    policy.request_after_ns = 0;  // the feed waits that long before it asks at all
    feed = std::make_unique<recovery::RecoveringFeed<Sink>>(sequenced, *client, policy, ask_after_ns, wait,
                                                            &recovery::steady_ns);
    return true;
  }
  // A failed snapshot from files runs nothing (started false); live, the session goes on
  // from what it held, and `snapshot.result` says what failed.
  template <class Input, class ReplaySinkT, class Apply>
  FeedRunResult run(const config::AppConfig& config, const Input& input, feed::SequencedFeed<Sink>& sequenced,
                    ReplaySinkT& sink, metrics::FeedCounters& counters, Apply& snapshot) {
    auto run_on = [&](auto& from) -> FeedRunResult {
      if (config.snapshot_server.empty()) return run_feed_inputs(input, from, sink, counters, stderr);
      recovery::SnapshotClientConfig client_config;
      client_config.server = *net::parse_endpoint(config.snapshot_server);  // checked with the config
      client_config.deadline_ms = static_cast<int>(config.snapshot_wait_ms);
      if (input.eal.empty()) {
        if (!recovery::fetch_snapshot_then_resume(client_config, sequenced, snapshot).ok()) {
          FeedRunResult nothing;
          nothing.started = false;
          return nothing;
        }
        return run_feed_inputs(input, from, sink, counters, stderr);
      }
      recovery::SnapshotJoin join(from, sequenced, client_config, snapshot, &session::stop_requested);
      join.start();
      return run_feed_inputs(input, join, sink, counters, stderr);
    };
    return feed ? run_on(*feed) : run_on(sequenced);
  }
  void report(bool stats, std::FILE* to) const {
    if (stats && feed) report::print_recovery_report(to, feed->stats());
  }
};

}  // namespace tickwire::session
