#include "controlplane/session/pattern_layer.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "controlplane/patterns/pattern_catalog.h"
#include "controlplane/patterns/securities_file.h"
#include "controlplane/runtime/thread_placement.h"
#include "dataplane/core/cpu_relax.h"

namespace tickwire::session {

namespace {
// Chunks of the process journal's outbox (Outbox::kChunkBytes each).
constexpr std::size_t kJournalChunks = 16;
// Signals worded for the summary's examples.
constexpr std::size_t kExamples = 3;
// Idle polls of a pattern thread between two yields.
constexpr std::uint32_t kYieldEvery = 256;
// Updates one merge-thread pass takes when the engine runs there (patterns.workers = 0).
constexpr std::size_t kInlineBudget = 16'384;
// Versions of the securities file one session may take (reloads + 1): their journal texts are
// reserved at start.
constexpr std::size_t kMaxReferenceVersions = 4096;

bool later(const patterns::PatternSignal& a, const patterns::PatternSignal& b) { return patterns::signal_before(b, a); }
}  // namespace

std::unique_ptr<PatternLayer> PatternLayer::create(const config::AppConfig& config,
                                                   const std::vector<std::string>& feeds,
                                                   const std::vector<std::uint64_t>& day_starts,
                                                   const std::vector<std::int64_t>& clock_offsets, bool live,
                                                   metrics::TscClock clock, std::string& error) {
  if (config.pattern_tables.empty()) return nullptr;
  std::unique_ptr<PatternLayer> layer(new PatternLayer());
  layer->config_ = config;
  layer->live_ = live;
  layer->clock_ = clock;
  const config::PatternsConfig& pc = config.patterns;
  if (!pc.securities_file.empty() && !patterns::load_securities_file(pc.securities_file, layer->reference_, error)) {
    error = "patterns.securities_file: " + error;
    return nullptr;
  }
  layer->feed_names_ = feeds;
  layer->feed_symbols_.push_back(std::make_unique<patterns::FeedSymbols>(layer->reference_, feeds));
  const std::size_t threads = std::max<std::size_t>(1, pc.workers);
  for (std::size_t f = 0; f < feeds.size(); ++f) {
    FeedRing ring;
    ring.ring = std::make_unique<patterns::BroadcastRing<patterns::MarketUpdate>>(pc.ring_updates, threads,
                                                                                   /*prefault=*/true);
    ring.watermark = std::make_unique<patterns::FeedWatermark>();
    if (!ring.ring->ok()) {
      error = "cannot reserve the market update ring of feed " + feeds[f] + " (patterns.ring_updates)";
      return nullptr;
    }
    ring.tap.feed_rank = static_cast<std::uint16_t>(f);
    ring.tap.levels = pc.levels;
    ring.tap.day_start_ns = day_starts[f];
    ring.tap.clock_offset_ns = clock_offsets[f];
    ring.tap.live = live;
    ring.tap.max_instruments = static_cast<std::uint32_t>(config.book.max_instruments);
    layer->feeds_.push_back(std::move(ring));
    layer->names_.feeds.push_back(feeds[f].empty() ? "feed" : feeds[f]);
    layer->names_.offsets.push_back(clock_offsets[f]);
  }
  for (std::size_t t = 0; t < threads; ++t) {
    std::vector<patterns::MergeSource> sources;
    for (FeedRing& f : layer->feeds_) sources.push_back({f.ring.get(), t, f.watermark.get()});
    patterns::EngineConfig ec;
    ec.max_securities = pc.max_securities;
    ec.max_instruments = static_cast<std::uint32_t>(config.book.max_instruments);
    ec.feeds = feeds.size();
    ec.output_records = pc.output_records;
    ec.live = live;
    ec.journal_merge_notices = t == 0;
    ec.max_instances = pc.max_instances;
    ec.feed_symbols = layer->feed_symbols_.back().get();
    // Paced or live, the time from a message's arrival to the signal it completed.
    if (live || config.replay_rate != 0 || config.replay_speed != 0) ec.clock = &layer->clock_;
    auto engine = std::make_unique<patterns::PatternEngine>(
        ec, std::move(sources), live ? patterns::FeedMerge::Mode::kLive : patterns::FeedMerge::Mode::kExact,
        pc.merge_max_hold_ns);
    if (!engine->ok()) {
      error = "cannot reserve a pattern thread's state (patterns.max_securities, book.max_instruments)";
      return nullptr;
    }
    layer->engines_.push_back(std::move(engine));
  }
  // Names by instance id, sized for every instance the session may hold: `ctl pattern add`
  // fills an entry before the instance reaches its thread, and the vector never moves.
  layer->names_.patterns.resize(pc.max_instances);
  layer->names_.templates.resize(pc.max_instances);
  layer->names_.reloads.resize(kMaxReferenceVersions);  // by version; filled before each reaches a thread
  layer->engine_load_.assign(threads, 0);
  layer->busy_ns_.assign(threads, 0);
  for (std::size_t i = 0; i < config.pattern_tables.size(); ++i) {
    const patterns::PatternSpec& spec = config.pattern_tables[i];
    auto instance = patterns::make_pattern(spec, layer->reference_, static_cast<std::uint32_t>(i), 1,
                                           pc.max_securities, error);
    if (!instance) return nullptr;
    layer->names_.patterns[i] = spec.name;
    layer->names_.templates[i] = patterns::template_of(spec);
    layer->engines_[i % threads]->add(std::move(instance));
    layer->entries_.push_back({spec, 1, i % threads, true});
    ++layer->engine_load_[i % threads];
  }
  layer->active_ = config.pattern_tables.size();
  for (auto& engine : layer->engines_) engine->seal();  // reserved here, not on its thread
  layer->counts_.assign(pc.max_instances, std::vector<std::uint64_t>(patterns::kPatternSignalKindCount, 0));
  layer->last_direction_ns_.assign(pc.max_securities, 0);
  layer->last_direction_.assign(pc.max_securities, 0);
  layer->last_instance_.assign(pc.max_securities, patterns::kNoInstance);
  layer->heap_.reserve(1 << 12);
  layer->examples_writer_ = std::make_unique<format::PatternWriter>(nullptr, layer->names_);
  if (feeds.size() > 1 && !config.journal.empty()) {
    layer->process_journal_ = true;
    layer->journal_file_.reset(format::open_hashing_file(config.journal, layer->journal_hash_));
    if (!layer->journal_file_) {
      error = config.journal + ": " + std::strerror(errno);
      return nullptr;
    }
    layer->outbox_ = std::make_unique<Outbox>(kJournalChunks, live ? Outbox::WhenFull::kDrop : Outbox::WhenFull::kWait);
    if (!layer->outbox_->ok()) {
      error = "cannot reserve the process journal's buffers";
      return nullptr;
    }
    layer->writer_ = std::make_unique<format::PatternWriter>(layer->outbox_->file(), layer->names_);
  }
  return layer;
}

PatternLayer::~PatternLayer() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

PatternHookup PatternLayer::hookup(std::size_t rank) {
  FeedRing& f = feeds_[rank];
  return {f.ring.get(), f.watermark.get(), f.tap};
}

void PatternLayer::start(const ProcessView&) {
  if (config_.patterns.workers == 0) return;  // the merge thread runs the one engine
  for (std::size_t t = 0; t < engines_.size(); ++t) {
    threads_.emplace_back([this, t] { run_thread(t); });
  }
}

// A data thread like a feed worker: it polls without sleeping (a sleep is latency added to
// every signal), and yields now and then so that an oversubscribed machine still runs.
void PatternLayer::run_thread(std::size_t t) {
  patterns::PatternEngine& engine = *engines_[t];
  std::uint32_t idle = 0;
  while (!engine.finished()) {
    const std::uint64_t start = clock_.to_ns(metrics::TscClock::now());
    if (engine.poll(start) != 0) {
      busy_ns_[t] += clock_.to_ns(metrics::TscClock::now()) - start;
      idle = 0;
    } else if (++idle % kYieldEvery == 0) {
      std::this_thread::yield();
    } else {
      cpu_relax();
    }
  }
}

void PatternLayer::take_outputs() {
  for (std::size_t e = 0; e < engines_.size(); ++e) {
    sched::SpscRing<patterns::PatternSignal>& out = engines_[e]->output();
    while (const patterns::PatternSignal* s = out.front()) {
      heap_.push_back({*s, e, false});
      std::push_heap(heap_.begin(), heap_.end(), [](const Pending& a, const Pending& b) { return later(a.signal, b.signal); });
      out.pop();
    }
  }
}

void PatternLayer::resolve_conflicts(std::uint64_t up_to_time, bool final) {
  const std::uint64_t window = config_.patterns.conflict_window_ns;
  const bool holds = window != 0 && config_.patterns.conflict_policy != config::ConflictPolicy::kFlag;
  auto by_order = [](const Pending& a, const Pending& b) { return later(a.signal, b.signal); };
  // Taken in the merge order: every signal below the engines' least watermark.
  while (!heap_.empty() && (final || heap_.front().signal.time_ns < up_to_time)) {
    std::pop_heap(heap_.begin(), heap_.end(), by_order);
    Pending p = heap_.back();
    heap_.pop_back();
    patterns::PatternSignal& s = p.signal;
    const std::uint32_t security = s.legs != 0 ? s.securities[0] : patterns::kNoSecurity;
    if (window != 0 && s.direction != 0 && security < last_direction_.size()) {
      // Another instance said the opposite within the window (one changing its own mind is not
      // a conflict).
      const bool opposite = last_direction_[security] == -s.direction && last_instance_[security] != s.instance &&
                            s.time_ns - last_direction_ns_[security] <= window && last_direction_ns_[security] != 0;
      if (opposite) {
        ++conflicting_;
        if (config_.patterns.conflict_policy == config::ConflictPolicy::kFlag) {
          s.flags |= patterns::kConflicting;
        } else {
          p.dropped = true;  // first_wins: the later goes
          if (config_.patterns.conflict_policy == config::ConflictPolicy::kSuppress) {
            for (Pending& h : held_) {  // suppress: the earlier too, still held
              if (!h.dropped && h.signal.legs != 0 && h.signal.securities[0] == security &&
                  h.signal.direction == -s.direction) {
                h.dropped = true;
              }
            }
          }
        }
      }
      last_direction_[security] = s.direction;
      last_direction_ns_[security] = s.time_ns;
      last_instance_[security] = s.instance;
    }
    if (holds) {
      held_.push_back(p);
    } else {
      ready_.push_back(p);
    }
  }
  // Held signals whose window has passed (on event time) go out, unless dropped.
  while (!held_.empty() && (final || held_.front().signal.time_ns + window < up_to_time)) {
    if (held_.front().dropped) {
      ++suppressed_;
    } else {
      ready_.push_back(held_.front());
    }
    held_.pop_front();
  }
}

void PatternLayer::word(const patterns::PatternSignal& s, std::size_t engine, format::PatternWriter& writer) {
  const patterns::SecurityDirectory& directory = engines_[engine]->directory();
  writer.signal(s, [&directory](std::uint32_t id) { return patterns::symbol_text(directory.name(id)); });
}

std::size_t PatternLayer::merge() {
  if (merged()) return 0;
  std::size_t moved = 0;
  if (config_.patterns.workers == 0) {
    patterns::PatternEngine& engine = *engines_[0];
    if (!engine.finished()) {
      const std::uint64_t start = clock_.to_ns(metrics::TscClock::now());
      const std::size_t taken = engine.poll(start, kInlineBudget);
      if (taken != 0) busy_ns_[0] += clock_.to_ns(metrics::TscClock::now()) - start;
      moved += taken;
    }
  }
  // The engines' marks first, then their outputs: every signal a mark vouches for was on the
  // ring before the mark was published, so the drain after it takes them all.
  bool all_done = true;
  std::uint64_t time_mark = ~std::uint64_t{0};
  std::uint64_t sequence_mark = ~std::uint64_t{0};
  for (auto& e : engines_) {
    all_done = all_done && e->output_finished();
    time_mark = std::min(time_mark, e->watermark_time());
    sequence_mark = std::min(sequence_mark, e->watermark_sequence());
  }
  take_outputs();
  const std::size_t before = ready_.size();
  resolve_conflicts(time_mark, all_done);
  moved += ready_.size() - before;
  // What the one feed's journal may take: below what every engine has put out, and below
  // what is still held or ordered.
  std::uint64_t below = all_done ? ~std::uint64_t{0} : sequence_mark;
  if (!held_.empty()) below = std::min(below, held_.front().signal.sequence);
  if (!heap_.empty()) below = std::min(below, heap_.front().signal.sequence);
  // Examples and counts as they become ready (in order).
  for (std::size_t i = before; i < ready_.size(); ++i) {
    const patterns::PatternSignal& s = ready_[i].signal;
    const auto kind = static_cast<std::size_t>(s.kind);
    if (s.instance < counts_.size() && kind < patterns::kPatternSignalKindCount) ++counts_[s.instance][kind];
    if (s.kind == patterns::PatternSignalKind::kFeedLagging) ++lagging_notices_;
    if (kind >= patterns::kPatternSignalKindCount) continue;  // a notice, not an example
    if (examples_ < kExamples) {
      word(s, ready_[i].engine, *examples_writer_);
      ++examples_;
    }
  }
  if (!process_journal_ && feeds_.size() != 1) ready_.clear();  // several feeds, no journal: counted only
  if (process_journal_) {
    while (!ready_.empty()) {
      word(ready_.front().signal, ready_.front().engine, *writer_);
      ready_.pop_front();
    }
    if (moved == 0) {
      writer_->flush();
      outbox_->flush();
    }
  }
  released_below_.store(below, std::memory_order_release);
  if (all_done && heap_.empty() && held_.empty() && (process_journal_ || feeds_.size() != 1 || ready_.empty())) {
    if (process_journal_) {
      writer_->flush();
      outbox_->close();
    }
    ready_.clear();  // several feeds without a journal: counted, nowhere to go
    merged_.store(true, std::memory_order_release);
  }
  return moved;
}

void PatternLayer::write_next(std::FILE* journal) {
  if (ready_.empty()) return;
  if (journal != nullptr) {
    if (journal != feed_journal_) {
      feed_journal_ = journal;
      feed_writer_ = std::make_unique<format::PatternWriter>(journal, names_);
    }
    word(ready_.front().signal, ready_.front().engine, *feed_writer_);
    feed_writer_->flush();  // whole before the feed's own writer goes on
  }
  ready_.pop_front();
}

void PatternLayer::poll(const ProcessView&) {
  write_out();
  free_retired();
}

void PatternLayer::write_out() {
  if (process_journal_) outbox_->drain(journal_file_.get());
}

void PatternLayer::free_retired() {
  bool reloads_done = true;
  for (auto& e : engines_) {
    while (e->retired()) {
    }
    reloads_done = reloads_done && e->reloads_done() == reloads_sent_;
  }
  // Once every thread has taken every reload, none reads an older table or a swap.
  if (reloads_done && !swaps_.empty()) {
    swaps_.clear();
    feed_symbols_.erase(feed_symbols_.begin(), feed_symbols_.end() - 1);
  }
}

namespace {
constexpr std::string_view kPatternHelp =
    "ok\n"
    "pattern list                          the instances: name, template, version, thread, settings\n"
    "pattern add NAME KEY=VALUE...         a new instance: template=T securities=A,B and its parameters\n"
    "pattern set NAME KEY=VALUE...         new parameters (not template or securities): a new version,\n"
    "                                      its windows started afresh\n"
    "pattern remove NAME                   the instance stops\n"
    "A change is in force from the next batch of updates; the journal says where.\n"
    "securities reload                     read patterns.securities_file again (docs/patterns.md)\n";
// How long a command waits for a pattern thread to take its change before it answers.
constexpr auto kChangeWait = std::chrono::milliseconds(500);
}  // namespace

std::string PatternLayer::command(const std::string& line, const std::function<void()>& keep_io) {
  free_retired();
  std::string_view rest(line);
  auto word = [&rest] {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    const std::string w(rest.substr(0, end));
    rest.remove_prefix(end);
    return w;
  };
  const std::string noun = word();  // "pattern" or "securities"
  const std::string verb = word();
  if (noun == "securities") {
    if (verb == "reload" && word().empty()) return reload_securities(keep_io);
    return "error: securities " + verb + ": unknown (securities reload)";
  }
  if (verb.empty() || verb == "help") return std::string(kPatternHelp);
  if (verb == "list") {
    std::string reply = "ok\n";
    for (const Entry& e : entries_) {
      if (!e.active) continue;
      reply += e.spec.name + " template=" + patterns::template_of(e.spec) + " version=" + std::to_string(e.version) +
               " thread=" + std::to_string(e.engine);
      for (const auto& [key, value] : e.spec.settings) {
        if (key != "template") reply += " " + key + "=" + value;
      }
      reply += "\n";
    }
    return reply;
  }
  if (verb != "add" && verb != "set" && verb != "remove") {
    return "error: pattern " + verb + ": unknown (pattern list, add, set, remove)";
  }
  const std::string name = word();
  if (name.empty()) return "error: pattern " + verb + ": which pattern? (pattern " + verb + " NAME ...)";
  return change(verb, name, rest, keep_io);
}

std::string PatternLayer::change(const std::string& verb, const std::string& name, std::string_view assignments,
                                 const std::function<void()>& keep_io) {
  const std::string head = "error: pattern." + name;
  auto found = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.spec.name == name; });
  const bool active = found != entries_.end() && found->active;
  if (verb != "add" && !active) return head + ": no such pattern (pattern list)";
  if (verb == "add" && active) return head + ": already running (pattern set to change it)";
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return head + ": a pattern name is letters, digits, '_' and '-'";
    }
  }
  patterns::PatternChange request;
  Entry next = active ? *found : Entry{};
  if (verb == "remove") {
    request = {patterns::PatternChange::Kind::kRemove, static_cast<std::uint32_t>(found - entries_.begin()), nullptr};
    if (!engines_[next.engine]->request(request)) return head + ": its pattern thread has changes waiting; try again";
  } else {
    std::vector<std::pair<std::string, std::string>> settings;
    std::string error;
    if (!patterns::parse_assignments(assignments, settings, error)) return head + ": " + error;
    if (settings.empty()) return head + ": no KEY=VALUE given";
    if (verb == "add") {
      next.spec = {name, settings};
      next.version = found != entries_.end() ? found->version + 1 : 1;
    } else {
      for (const auto& [key, value] : settings) {
        if (key == "template" || key == "securities") {
          return head + "." + key + ": fixed while it runs (pattern remove, then pattern add)";
        }
        auto at = std::find_if(next.spec.settings.begin(), next.spec.settings.end(),
                               [&key](const auto& kv) { return kv.first == key; });
        if (at != next.spec.settings.end()) {
          at->second = value;
        } else {
          next.spec.settings.emplace_back(key, value);
        }
      }
      ++next.version;
    }
    if (const std::string why = patterns::check_pattern(next.spec); !why.empty()) return "error: " + why;
    const std::uint32_t id = found != entries_.end() ? static_cast<std::uint32_t>(found - entries_.begin())
                                                     : static_cast<std::uint32_t>(entries_.size());
    if (id >= config_.patterns.max_instances) {
      return head + ": patterns.max_instances (" + std::to_string(config_.patterns.max_instances) + ") reached";
    }
    auto instance = patterns::make_pattern(next.spec, reference_, id, next.version, config_.patterns.max_securities, error);
    if (!instance) return "error: " + error;
    if (verb == "add") {
      next.engine = static_cast<std::size_t>(std::min_element(engine_load_.begin(), engine_load_.end()) -
                                             engine_load_.begin());
      names_.patterns[id] = name;  // before the instance reaches its thread (the ring orders them)
      names_.templates[id] = patterns::template_of(next.spec);
    }
    request = {verb == "add" ? patterns::PatternChange::Kind::kAdd : patterns::PatternChange::Kind::kReplace, id,
               instance.get()};
    if (!engines_[next.engine]->request(request)) return head + ": its pattern thread has changes waiting; try again";
    (void)instance.release();  // the thread's now
  }
  patterns::PatternEngine& engine = *engines_[next.engine];
  const std::uint64_t taken_before = engine.changes_taken();
  // Bookkeeping of the control side, as the thread will have it.
  if (verb == "remove") {
    found->active = false;
    --engine_load_[found->engine];
    --active_;
  } else if (verb == "add") {
    next.active = true;
    ++engine_load_[next.engine];
    ++active_;
    if (found != entries_.end()) {
      *found = next;
    } else {
      entries_.push_back(next);
    }
  } else {
    *found = next;
  }
  // Answer once the thread has taken it, or say when it will.
  const auto deadline = std::chrono::steady_clock::now() + kChangeWait;
  while (engine.changes_taken() == taken_before && std::chrono::steady_clock::now() < deadline &&
         !engine.output_finished()) {
    keep_io();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const bool taken = engine.changes_taken() != taken_before;
  const std::string done = verb == "add" ? "added" : verb == "set" ? "set" : "removed";
  return "ok: pattern " + name + " " + done + (verb == "remove" ? "" : " (version " + std::to_string(next.version) + ")") +
         (taken ? ", in force (its journal line says from where)"
                : engine.output_finished() ? ", but its pattern thread has finished"
                                           : ", in force from the next update");
}

void PatternLayer::stop(const ProcessView&) {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  free_retired();
  if (process_journal_) {
    outbox_->drain(journal_file_.get());
    writer_.reset();
    std::fflush(journal_file_.get());
  }
}

bool PatternLayer::timed() const { return live_ || config_.replay_rate != 0 || config_.replay_speed != 0; }

metrics::LatencyHistogram PatternLayer::latency() const {
  metrics::LatencyHistogram all;
  for (const auto& e : engines_) all.merge(e->latency());
  return all;
}

bool PatternLayer::summarize(report::RunSummary& run) {
  report::PatternSummary p;
  p.instances = active_;
  p.layout = config_.patterns.workers == 0
                 ? "on the merge thread"
                 : report::counted(config_.patterns.workers, "pattern thread", "pattern threads");
  p.updates = engines_.empty() ? 0 : engines_[0]->counters().updates;
  for (std::size_t k = 0; k < patterns::kPatternSignalKindCount; ++k) {
    std::uint64_t n = 0;
    for (const auto& by_kind : counts_) n += by_kind[k];
    if (n != 0) p.signals.emplace_back(patterns::kPatternSignalKindNames[k], n);
    p.signal_total += n;
  }
  std::string_view text = examples_writer_->held_text();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    p.examples.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  bool written = true;
  if (process_journal_) {
    written = !outbox_->write_failed() && outbox_->dropped_bytes() == 0 && std::fflush(journal_file_.get()) == 0;
    journal_file_.reset();  // closed: its hash covers every byte
    p.journal_path = config_.journal;
    p.journal_sha256 = journal_hash_.hex();
    if (!written) {
      std::fprintf(stderr, "tickwire: writing the pattern journal %s failed\n", config_.journal.c_str());
      run.attention.push_back("writing the pattern journal " + config_.journal + " failed");
    }
  }
  std::uint64_t dropped = 0;
  for (const auto& e : engines_) dropped += e->counters().signals_dropped;
  if (dropped != 0) {
    run.attention.push_back(report::counted(dropped, "pattern signal", "pattern signals") +
                            " lost to a full output ring (patterns.output_records)");
  }
  const std::uint64_t lagging = engines_.empty() ? 0 : engines_[0]->merge_counters().lagging_episodes;
  if (lagging != 0) {
    run.attention.push_back("a feed held the pattern merge past patterns.merge.max_hold_us " +
                            report::counted(lagging, "time", "times") + " and was declared lagging (" +
                            report::counted(engines_[0]->merge_counters().late, "update", "updates") +
                            " merged late; the journal says when)");
  }
  if (suppressed_ != 0) {
    run.attention.push_back(report::counted(suppressed_, "pattern signal", "pattern signals") +
                            " suppressed as conflicting (patterns.conflict_policy)");
  }
  if (timed()) p.latency = latency();
  run.patterns = std::move(p);
  return written;
}

void PatternLayer::report(report::Figures& f) const {
  f.add("patterns.instances", active_);
  f.add("patterns.threads", config_.patterns.workers);
  patterns::EngineCounters sum;
  // Every thread merges the same feeds: the first one's merge counts for all.
  const patterns::MergeCounters merge = engines_.empty() ? patterns::MergeCounters{} : engines_[0]->merge_counters();
  for (const auto& e : engines_) {
    const patterns::EngineCounters& c = e->counters();
    sum.updates += c.updates;
    sum.batches += c.batches;
    sum.unnamed_updates += c.unnamed_updates;
    sum.signals += c.signals;
    sum.signals_dropped += c.signals_dropped;
    sum.batch_signals_refused += c.batch_signals_refused;
    sum.batch_securities_refused += c.batch_securities_refused;
    sum.watch_nodes_refused += c.watch_nodes_refused;
    sum.days_begun += c.days_begun;
    sum.stale_marks += c.stale_marks;
  }
  // Every thread takes every update: one thread's count is the stream's.
  f.add("patterns.updates", engines_.empty() ? 0 : engines_[0]->counters().updates);
  f.add("patterns.batches", engines_.empty() ? 0 : engines_[0]->counters().batches);
  f.add("patterns.securities", engines_.empty() ? 0 : engines_[0]->directory().count());
  f.add("patterns.securities_refused", engines_.empty() ? 0 : engines_[0]->directory().refused());
  f.add("patterns.unnamed_updates", engines_.empty() ? 0 : engines_[0]->counters().unnamed_updates);
  f.add("patterns.days_begun", engines_.empty() ? 0 : engines_[0]->counters().days_begun);
  f.add("patterns.signals", sum.signals);
  for (std::size_t k = 0; k < patterns::kPatternSignalKindCount; ++k) {
    std::uint64_t n = 0;
    for (const auto& by_kind : counts_) n += by_kind[k];
    f.add("patterns.signals." + std::string(patterns::kPatternSignalKindNames[k]), n);
  }
  f.add("patterns.signals_dropped", sum.signals_dropped);
  f.add("patterns.batch_signals_refused", sum.batch_signals_refused);
  // What each pattern thread spent in the passes that took updates, and per update it took.
  for (std::size_t t = 0; t < engines_.size(); ++t) {
    const std::string prefix = "patterns.thread" + std::to_string(t);
    const std::uint64_t updates = engines_[t]->counters().updates;
    f.add(prefix + ".busy_us", busy_ns_[t] / 1000);
    f.add(prefix + ".ns_per_update", updates == 0 ? 0 : busy_ns_[t] / updates);
  }
  std::uint64_t changes = 0;
  for (const auto& e : engines_) changes += e->counters().changes;
  f.add("patterns.changes", changes);
  f.add("patterns.securities_reloads", engines_.empty() ? 0 : engines_[0]->counters().reloads);
  f.add("patterns.conflicts", conflicting_);
  f.add("patterns.conflicts_suppressed", suppressed_);
  f.add("patterns.merge.late", merge.late);
  f.add("patterns.merge.lagging_episodes", merge.lagging_episodes);
  if (timed()) f.add_histogram("latency.pattern_signal", latency());
  if (process_journal_) f.add_text("patterns.journal.path", config_.journal);
}

}  // namespace tickwire::session
