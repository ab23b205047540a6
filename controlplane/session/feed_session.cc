#include "controlplane/session/feed_session.h"

#include <cerrno>
#include <cinttypes>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "controlplane/report/feed_report.h"
#include "controlplane/runtime/memory_plan.h"
#include "controlplane/session/rx_figures.h"

namespace tickwire::session {

// The two layouts (inline_feed.cc, worker_feed.cc).
std::unique_ptr<FeedSession> make_inline_feed(FeedSetup setup, std::string& error);
std::unique_ptr<FeedSession> make_worker_feed(FeedSetup setup, std::string& error);

namespace {
// Chunks of a journal's outbox (Outbox::kChunkBytes each): a few MiB, well past what the
// control thread writes between two looks.
constexpr std::size_t kJournalChunks = 16;
}  // namespace

std::unique_ptr<FeedSession> FeedSession::create(FeedSetup setup, std::string& error) {
  return setup.config.workers == 0 ? make_inline_feed(std::move(setup), error)
                                   : make_worker_feed(std::move(setup), error);
}

FeedSession::FeedSession(FeedSetup setup)
    : setup_(std::move(setup)),
      config_(setup_.config),
      who_("tickwire " + setup_.options.command + (setup_.name.empty() ? "" : " [feed " + setup_.name + "]")) {
  setup_.input.who = who_;
  setup_.input.clock = setup_.clock;  // live receive times on the clock latency is measured with
  setup_.input.progress = progress_.get();
}

FeedSession::~FeedSession() {
  if (rx_thread_.joinable()) rx_thread_.join();
}

std::uint64_t FeedSession::now_ns() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

bool FeedSession::reserve_common(std::string& error) {
  if (!runtime::place_threads(config_, placement_, error)) return false;
  if (setup_.options.live) arrival_ = metrics::ArrivalSchedule::as_received();
  if (config_.replay_rate != 0) arrival_ = metrics::ArrivalSchedule::at_rate(config_.replay_rate, config_.replay_burst);
  if (config_.replay_speed != 0) arrival_ = metrics::ArrivalSchedule::at_speed(config_.replay_speed);
  paced_ = arrival_ && arrival_->paced();

  book::BookConfig book_config = config_.book;
  // Live or paced, latency is the point: first touches of pool pages must not land on the
  // hot path.
  const bool prefault = book_config.prefault || setup_.options.live || paced_;
  book_config.prefault = false;  // reserve first (address space only), check the budget, then touch
  if (!books_.init(book_config, error) || !factory_.init(config_, error)) return false;
  const runtime::MemoryPlan plan = runtime::plan_memory(config_, books_.reserved_bytes());
  if (setup_.budget_bytes != 0 && plan.total() > setup_.budget_bytes) {
    error = "the configuration needs " + plan.describe() + " but the memory budget is " +
            std::to_string(setup_.budget_bytes >> 20) + " MiB (" + setup_.budget_source +
            "); lower book.max_orders, book.max_levels, workers.ring_events.* or workers.count, or raise "
            "memory.budget_mb";
    return false;
  }
  if (prefault) {
    book_config.prefault = true;
    if (!books_.init(book_config, error)) return false;
  }

  // What scripted swaps put in slot 0: fresh instances of its stage, or of a loaded one.
  make_swap_instance_ = [this] {
    std::string ignored;
    return factory_.make(0, ignored);
  };
  if (!setup_.options.swap_plugin.empty()) {
    plugin_ = runtime::StagePlugin::load(setup_.options.swap_plugin, error);
    const auto max_instruments = static_cast<std::uint32_t>(config_.book.max_instruments);
    // One trial instance: bad parameters are an error now, not a silent skip mid-run.
    if (plugin_ && !plugin_->create(setup_.options.swap_params, max_instruments, 0, error)) plugin_.reset();
    if (!plugin_) return false;
    make_swap_instance_ = [this, max_instruments] {
      std::string ignored;
      return plugin_->create(setup_.options.swap_params, max_instruments, 0, ignored);
    };
  }
  if (setup_.options.swap_every != 0 && factory_.size() == 0) {
    error = "scripted swaps replace pipeline slot 0, and pipeline.stages is empty";
    return false;
  }

  if (!config_.control_socket.empty()) {
    if (config_.workers == 0) {
      error = "control.socket needs workers.count of 1 or more (inline, the one thread is the RX core and "
              "cannot serve commands)";
      return false;
    }
    control_ = runtime::ControlServer::open(config_.control_socket, error);
    if (!control_) return false;
  }

  signals_ = std::make_unique<SignalCounter>(books_, factory_.names());
  if (!config_.journal.empty()) {
    journal_file_.reset(format::open_hashing_file(config_.journal, journal_hash_));
    if (!journal_file_) {
      error = config_.journal + ": " + std::strerror(errno);
      return false;
    }
    journal_outbox_ = std::make_unique<Outbox>(
        kJournalChunks, setup_.options.live ? Outbox::WhenFull::kDrop : Outbox::WhenFull::kWait);
    if (!journal_outbox_->ok()) {
      error = "cannot reserve the journal's buffers";
      return false;
    }
    journal_ = std::make_unique<format::JournalWriter>(journal_outbox_->file(), books_, factory_.names());
    signals_->set_journal(journal_.get());
  }
  if (setup_.patterns.ring != nullptr) {
    patterns::MarketTapConfig tap = setup_.patterns.tap;
    tap.watermark = setup_.patterns.watermark;
    market_tap_ = std::make_unique<patterns::MarketTap>(tap, *setup_.patterns.ring, books_);
    if (!market_tap_->ok()) {
      error = "cannot reserve the market tap's state (book.max_instruments)";
      return false;
    }
  }
  alerts_ = std::make_unique<SessionAlerts>(who_, journal_.get(), !setup_.options.live, setup_.say_to);
  alerts_->set_breakers(config_.breaker_tables);
  if (!config_.breaker_tables.empty()) {
    stream_breakers_ = std::make_unique<breakers::StreamBreakers>(
        config_.breaker_tables, static_cast<std::uint32_t>(config_.book.max_instruments), config_.breaker_max_promoted);
    if (!stream_breakers_->ok()) {
      error = "cannot reserve the security breakers' state (book.max_instruments)";
      return false;
    }
    if (stream_breakers_->empty()) stream_breakers_.reset();
  }
  if (!alerts_->ok()) {
    error = "cannot reserve the alert ring";
    return false;
  }
  return true;
}

bool FeedSession::add_stages(stages::InlinePipeline& pipeline, std::string& error) {
  for (std::size_t slot = 0; slot < factory_.size(); ++slot) {
    instances_.push_back(factory_.make(slot, error));
    if (!instances_.back()) return false;
    (void)pipeline.add(*instances_.back(), factory_.spec(slot).budget_ns, factory_.spec(slot).overrun);
  }
  return true;
}

void FeedSession::close_journal() {
  if (journal_) journal_->flush();
  if (journal_outbox_) journal_outbox_->close();
}

std::size_t FeedSession::merge_outputs(bool producers_done) {
  if (merged()) return 0;
  // With pattern lines among the journal's, a record goes out only once every line keyed
  // before it is known (read before the drain, like "done").
  PatternLines* lines = setup_.pattern_lines;
  const std::uint64_t lines_known = lines != nullptr ? lines->released_below() : kEveryKey;
  // Before the drain: what "done" vouches for is in the rings by then.
  std::size_t moved = merger_->drain([this](const sched::OutputRecord& r) { emit_record(r); }, producers_done,
                                     lines_known);
  if (lines != nullptr) {
    // Every record keyed below both marks has gone out: so may the lines keyed below them.
    const std::uint64_t records_out = producers_done ? kEveryKey : merger_->watermark();
    moved += write_pattern_lines(std::min(records_out, lines_known));
  }
  alerts_->pull();
  if (producers_done && lines_known == kEveryKey) {
    alerts_->finish();
    close_journal();
    merged_.store(true, std::memory_order_release);
  } else if (moved == 0 && journal_) {
    // A quiet spell: what is formatted goes to the file now, not when 64 KiB have gathered.
    journal_->flush();
    journal_outbox_->flush();
  }
  return moved;
}

std::size_t FeedSession::write_pattern_lines(std::uint64_t below) {
  PatternLines& lines = *setup_.pattern_lines;
  std::FILE* to = journal_ ? journal_outbox_->file() : nullptr;
  std::size_t written = 0;
  for (std::uint64_t key; (key = lines.next_key()) < below; ++written) {
    alerts_->journal_before(key);  // a gap before the line's message goes before the line
    if (journal_) journal_->flush();  // the two writers share the outbox: each line whole, in turn
    lines.write_next(to);
  }
  return written;
}

void FeedSession::emit_record(const sched::OutputRecord& keyed) {
  // The pattern lines of the messages before this record's go first.
  if (setup_.pattern_lines != nullptr) (void)write_pattern_lines(keyed.sequence());
  alerts_->journal_before(keyed.sequence());
  const sched::OutputRecord r = keyed.for_output();
  if (r.kind == sched::OutputKind::kSignal) {
    signals_->emit(r.signal);
  } else if (r.kind == sched::OutputKind::kStageNotice) {
    signals_->notice(r.notice);
  } else if (r.kind == sched::OutputKind::kSwap) {
    swaps_merged_.store(swaps_merged_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (journal_) journal_->swap(r.swap.effective_sequence, r.swap.slot, r.swap.version);
  } else if (journal_) {
    journal_->learn(r.event);
    if (config_.journal_events) journal_->event(r.event);
  }
}

void FeedSession::write_out() {
  if (journal_outbox_) journal_outbox_->drain(journal_file_.get());
}

bool FeedSession::finished() {
  if (!merged()) return false;
  write_out();
  return !journal_outbox_ || journal_outbox_->finished();
}

void FeedSession::serve(const std::function<void()>& keep_io) {
  if (control_) control_->serve([&](const std::string& line) { return command(line, keep_io); });
}

std::string FeedSession::command(const std::string&, const std::function<void()>&) {
  return "error: this session takes no commands";
}

void FeedSession::report_common(report::Figures& f, report::FeedSummary& summary) {
  report::add_feed_counters(f, *counters_);
  f.add("events", totals_.events);
  for (std::size_t k = 0; k < stages::kSignalKindCount; ++k) {
    f.add("signals." + std::string(stages::kSignalKindNames[k]), signals_->count(k));
    if (signals_->count(k) != 0) summary.signals.emplace_back(stages::kSignalKindNames[k], signals_->count(k));
  }
  if (signals_->count(stages::kSignalKindCount) != 0) {
    f.add("signals.unknown_kind", signals_->count(stages::kSignalKindCount));
    summary.signals.emplace_back("unknown kind", signals_->count(stages::kSignalKindCount));
  }
  // The RX thread's run, first input to last (live: the time the ports brought packets).
  f.add("rx.elapsed_us", (result_.rx_active_ns != 0 ? result_.rx_active_ns : rx_ended_ns_ - rx_started_ns_) / 1000);
  f.add("gaps", gaps_);
  if (setup_.options.swap_every != 0) f.add("swaps", swaps_);
  if (!config_.snapshot_server.empty()) {
    f.add("snapshot.messages", snapshot_result_.messages);
    f.add("snapshot.resume_sequence", snapshot_result_.resume_sequence);
    f.add("snapshot.elapsed_us", snapshot_result_.elapsed_ns / 1000);
  }
  f.add("alerts.gaps", alerts_->gaps());
  f.add("alerts.lines_stale", alerts_->lines_stale());
  f.add("alerts.lines_resumed", alerts_->lines_resumed());
  f.add("alerts.dropped", alerts_->dropped());
  f.add("alerts.breaker_transitions", alerts_->breaker_transitions());
  for (std::size_t i = 0; i < alerts_->breakers().size(); ++i) {
    const std::string key = "breakers." + alerts_->breakers()[i].name;
    const SessionAlerts::BreakerTally& t = alerts_->breaker_tallies()[i];
    f.add(key + ".opened", t.opened);
    f.add(key + ".open_us", t.open_ns / 1000);
    f.add(key + ".longest_open_us", t.longest_ns / 1000);
    if (alerts_->breakers()[i].scope == breakers::Scope::kSecurity) {
      f.add(key + ".securities", t.securities);
      f.add(key + ".open_at_end", t.open_now);
    }
  }
  if (stream_breakers_ && !stream_breakers_->securities().empty()) {
    const breakers::SecurityBreakerFigures& s = stream_breakers_->securities().figures();
    f.add("breakers.security.promoted_most", s.promoted_most);
    f.add("breakers.security.promotions_refused", s.promotions_refused);
    f.add("breakers.security.suspect_tops_skipped", s.suspect_skipped);
    f.add("breakers.security.timers_dropped", s.timers_dropped);
  }
  report::add_stages(f, totals_);
  f.add_histogram("pipeline.per_message", totals_.message_cost);
  if (!result_.ports.empty()) {
    report::add_ports(f, result_.ports);
    f.add_percent("rx.busy_percent", result_.rx_busy_cycles, result_.rx_busy_cycles + result_.rx_idle_cycles);
    f.add("rx.active_us", result_.rx_active_ns / 1000);
    f.add("rx.packets_per_second",
          result_.rx_active_ns == 0 ? 0 : result_.rx_packets * 1'000'000'000ull / result_.rx_active_ns);
    f.add("rx.messages_per_second",
          result_.rx_active_ns == 0 ? 0 : counters_->messages * 1'000'000'000ull / result_.rx_active_ns);
  }
  if (market_tap_) {
    const patterns::MarketTapCounters& t = market_tap_->counters();
    f.add("patterns.tap.updates", t.updates);
    f.add("patterns.tap.full_waits", t.full_waits);
    f.add("patterns.tap.conflated", t.conflated);
    f.add("patterns.tap.lost", t.lost);
    f.add("patterns.tap.stale_marks", t.stale_marks);
    f.add("patterns.tap.seeded", t.seeded);
  }
  f.add("book.days_begun", book_counters_.days_begun);
  f.add("book.orders_dropped_at_day_end", book_counters_.orders_dropped_at_day_end);
  for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
    f.add("book.anomalies." + std::string(book::kBookAnomalyNames[i]), book_counters_.anomalies[i]);
  }
  f.add("book.peak_orders", books_.peak_orders());
  f.add("book.peak_levels", books_.peak_levels());

  summary.name = setup_.name;
  summary.inputs = setup_.input.inputs;
  for (const auto& port : result_.ports) summary.inputs.push_back("port " + port.first);
  summary.packets = counters_->packets;
  summary.messages = counters_->messages;
  summary.events = totals_.events;
  for (std::size_t i = 0; i < metrics::kDropReasonCount; ++i) {
    if (counters_->drops[i] != 0) summary.drops.emplace_back(metrics::kDropReasonNames[i], counters_->drops[i]);
  }
  summary.gaps = gaps_;
  summary.signal_total = signals_->total();
  summary.examples = signals_->examples();
  // Live, the time the ports brought packets (not the wait for the first, nor the idle end).
  summary.elapsed_ns = result_.rx_active_ns != 0 ? result_.rx_active_ns : rx_ended_ns_ - rx_started_ns_;
  summary.per_message = totals_.message_cost;
  if (paced_ && config_.replay_rate != 0) summary.paced_rate = config_.replay_rate;
}

void FeedSession::note_attention(report::FeedSummary& summary) {
  // What needs a look, most urgent first.
  auto& attention = summary.attention;
  if (!summary.drops.empty()) {
    std::uint64_t dropped = 0;
    for (const auto& d : summary.drops) dropped += d.second;
    attention.push_back(report::counted(dropped, "packet or message", "packets or messages") +
                        " dropped as malformed or cut (drops.* in --stats)");
  }
  if (gaps_ != 0) {
    attention.push_back(report::counted(gaps_, "sequence gap", "sequence gaps") + ": " +
                        report::counted(summary.gap_messages, "message", "messages") +
                        " never came; every book was suspect after the first");
  }
  if (alerts_->lines_stale() != 0) {
    attention.push_back("a feed line went silent past sequencer.stale_after_ms " +
                        report::counted(alerts_->lines_stale(), "time", "times"));
  }
  if (alerts_->dropped() != 0) {
    attention.push_back(report::counted(alerts_->dropped(), "alert", "alerts") + " lost to a full alert ring");
  }
  for (std::size_t i = 0; i < alerts_->breakers().size(); ++i) {
    const SessionAlerts::BreakerTally& t = alerts_->breaker_tallies()[i];
    if (t.opened == 0) continue;
    const breakers::BreakerSpec& b = alerts_->breakers()[i];
    if (b.scope == breakers::Scope::kSecurity) {
      attention.push_back("breaker " + b.name + (b.mode == breakers::Mode::kShadow ? " (shadow)" : "") + " opened " +
                          report::counted(t.opened, "time", "times") + " over " +
                          report::counted(t.securities, "security", "securities") + ", the longest " +
                          std::to_string(t.longest_ns / 1'000'000) + " ms of exchange time" +
                          (t.open_now != 0 ? "; " + std::to_string(t.open_now) + " still open at the end" : ""));
      continue;
    }
    attention.push_back("breaker " + b.name + (b.mode == breakers::Mode::kShadow ? " (shadow)" : "") + " opened " +
                        report::counted(t.opened, "time", "times") + ", " +
                        std::to_string(t.open_ns / 1'000'000) + " ms of exchange time in all, the longest " +
                        std::to_string(t.longest_ns / 1'000'000) + " ms" + (t.open ? "; still open at the end" : ""));
  }
  for (const report::StageTotals& s : totals_.stages) {
    if (s.overruns != 0) {
      attention.push_back("stage " + s.name + " overran its " + std::to_string(s.budget_ns) + " ns budget " +
                          report::counted(s.overruns, "time", "times") + " in " +
                          report::counted(s.calls, "call", "calls"));
    }
    if (s.failures != 0) {
      attention.push_back("stage " + s.name + " failed " + report::counted(s.failures, "time", "times") +
                          " and was disabled until a swap");
    }
  }
  if (market_tap_ && market_tap_->counters().lost != 0) {
    attention.push_back(report::counted(market_tap_->counters().lost, "market update", "market updates") +
                        " lost to a full pattern ring (its legs were marked stale; patterns.ring_updates)");
  }
  if (journal_outbox_ && journal_outbox_->dropped_bytes() != 0) {
    attention.push_back("the journal lost " + report::with_thousands(journal_outbox_->dropped_bytes()) +
                        " bytes of lines: its disk did not keep up");
  }
  for (const auto& [port, c] : result_.ports) {
    if (c.missed != 0 || c.no_mbuf != 0 || c.errors != 0) {
      attention.push_back("port " + port + " lost packets before tickwire saw them (missed " +
                          report::with_thousands(c.missed) + ", no_mbuf " + report::with_thousands(c.no_mbuf) +
                          ", errors " + report::with_thousands(c.errors) + ")");
    }
  }
  if (books_.peak_orders() * 100 >= config_.book.max_orders * config_.warn_fill_percent) {
    warnings_.push_back("books held up to " + std::to_string(books_.peak_orders()) + " live orders of " +
                        std::to_string(config_.book.max_orders) + " (book.max_orders)");
  }
  if (books_.peak_levels() * 100 >= config_.book.max_levels * config_.warn_fill_percent) {
    warnings_.push_back("books held up to " + std::to_string(books_.peak_levels()) + " price levels of " +
                        std::to_string(config_.book.max_levels) + " (book.max_levels)");
  }
}

bool FeedSession::write_latency_dir(
    const std::vector<std::pair<std::string, const metrics::LatencyHistogram*>>& more) {
  const std::string& dir = setup_.options.latency_dir;
  if (dir.empty()) return true;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  bool written = !ec && report::write_percentile_file(dir + "/pipeline.per_message.hgrm", totals_.message_cost);
  for (const report::StageTotals& st : totals_.stages) {
    written = written && report::write_percentile_file(dir + "/stage." + st.name + ".cost.hgrm", st.cost);
  }
  for (const auto& [name, h] : more) written = written && report::write_percentile_file(dir + "/" + name + ".hgrm", *h);
  return written;
}

int FeedSession::report(report::Figures& f, report::FeedSummary& summary) {
  gather();
  report_common(f, summary);
  int exit_code = 0;
  // A failure that sets the exit code is said on stderr too, where scripts look for it.
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "%s: %s\n", who_.c_str(), message.c_str());
    summary.attention.push_back(message);
    exit_code = 1;
  };
  const bool latency_written = report_layout(f, summary);
  note_attention(summary);
  for (const std::string& w : warnings_) summary.attention.push_back(w);
  if (!latency_written) fail("cannot write the latency files into " + setup_.options.latency_dir);
  if (!result_.all_inputs_usable) exit_code = 1;  // each unusable input was named as it was met
  if (!config_.snapshot_server.empty() && !snapshot_result_.ok()) {
    fail(snapshot_result_.message +
         (result_.started ? " (the books hold only what the feed brought since the join)" : ""));
  }
  if (journal_) {
    const bool failed = journal_->failed() || (journal_outbox_ && journal_outbox_->write_failed());
    journal_.reset();
    journal_file_.reset();  // closed: its hash covers every byte
    if (failed) fail("writing the journal " + config_.journal + " failed");
    summary.journal_path = config_.journal;
    summary.journal_sha256 = journal_hash_.hex();
    f.add_text("journal.path", config_.journal);
    f.add_text("journal.sha256", summary.journal_sha256);
  }
  if (!config_.latency_report.empty() && !report::write_percentile_file(config_.latency_report, totals_.message_cost)) {
    exit_code = 1;
  }
  return exit_code;
}

}  // namespace tickwire::session
