#include "dataplane/patterns/pattern_engine.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "dataplane/core/cpu_relax.h"
#include "dataplane/patterns/feed_symbols.h"
#include "dataplane/patterns/reference_swap.h"

namespace tickwire::patterns {

namespace {
constexpr std::uint32_t kNoNode = ~std::uint32_t{0};
// Room kept for live merge notices between two drains by the control side.
constexpr std::size_t kNoticeRoom = 256;
// Changes waiting for a pattern thread: `tickwire ctl` sends them one at a time.
constexpr std::size_t kChangeRing = 64;
constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};
// Reloads waiting for a pattern thread: the control thread sends one and waits for it.
constexpr std::size_t kReloadRing = 4;
// Lines of an instance fetched ahead of its evaluation: its header and state, its parameters
// and the head of a window (pair_spread's layout; others are smaller or alike).
constexpr std::size_t kPrefetchLines = 5;
}  // namespace

PatternEngine::PatternEngine(const EngineConfig& config, std::vector<MergeSource> sources, FeedMerge::Mode mode,
                             std::uint64_t max_hold_ns)
    : config_(config),
      merge_(std::move(sources), mode, max_hold_ns),
      directory_(config.max_securities, config.max_instruments, config.feeds),
      market_(config.max_securities),
      slot_of_(config.max_instances),
      watch_heads_(config.max_securities),
      update_watchers_(config.max_securities),
      free_nodes_(kNoNode),
      touched_stamp_(config.max_securities),
      touched_index_(config.max_securities),
      output_(config.output_records, /*prefault=*/true),
      changes_(kChangeRing),
      retired_(std::bit_ceil(std::size_t{config.max_instances} + kChangeRing)),
      reloads_(kReloadRing),
      feed_symbols_(config.feed_symbols) {
  for (std::size_t i = 0; i < watch_heads_.capacity(); ++i) watch_heads_[i] = kNoNode;
  for (std::size_t i = 0; i < update_watchers_.capacity(); ++i) update_watchers_[i] = 0;
  for (std::size_t i = 0; i < slot_of_.capacity(); ++i) slot_of_[i] = kNoSlot;
  // Room for every instance the session may hold, added live included: nothing grows later.
  instances_.reserve(config.max_instances);
  wildcards_.reserve(config.max_instances);
  update_wildcards_.reserve(config.max_instances);
  touched_.reserve(config.batch_securities);
  last_touch_.resize(config.batch_securities);
  batch_signals_.resize(config.batch_signals);
  needs_key_.resize(config.batch_signals);
  merge_.notices().reserve(kNoticeRoom);
}

PatternEngine::~PatternEngine() {
  while (const PatternChange* c = changes_.front()) {  // never taken
    delete c->instance;
    changes_.pop();
  }
  while (retired()) {
  }
}

std::unique_ptr<PatternInstance> PatternEngine::retired() noexcept {
  PatternInstance* const* front = retired_.front();
  if (front == nullptr) return nullptr;
  std::unique_ptr<PatternInstance> instance(*front);
  retired_.pop();
  return instance;
}

bool PatternEngine::ok() const noexcept {
  return directory_.ok() && market_.ok() && watch_heads_.ok() && update_watchers_.ok() && touched_stamp_.ok() && touched_index_.ok() &&
         output_.ok() && slot_of_.ok() && changes_.ok() && retired_.ok() && reloads_.ok();
}

void PatternEngine::add(std::unique_ptr<PatternInstance> instance) {
  const auto index = static_cast<std::uint32_t>(instances_.size());
  if (instance->id() < slot_of_.capacity()) slot_of_[instance->id()] = index;
  if (instance->watches_all()) {
    wildcards_.push_back(instance.get());
    if (instance->reads_updates()) update_wildcards_.push_back(instance.get());
  } else {
    const auto legs = instance->legs();
    for (std::size_t leg = 0; leg < legs.size(); ++leg) {
      pending_legs_.push_back({legs[leg], index, static_cast<std::uint32_t>(leg)});
    }
  }
  instances_.push_back(std::move(instance));
  sealed_ = false;
}

// Before the first update: the waiting legs sorted by name, the watch pool sized (a node per
// leg at most: it never grows while running).
void PatternEngine::seal() {
  if (sealed_) return;
  std::stable_sort(pending_legs_.begin(), pending_legs_.end(),
                   [](const PendingLeg& a, const PendingLeg& b) { return a.symbol < b.symbol; });
  // A node per leg at most, for the instances there may ever be.
  const std::size_t legs = std::max<std::size_t>(pending_legs_.size(), std::size_t{config_.max_instances} * kMaxLegs);
  watch_nodes_.reserve(legs);
  pending_legs_.reserve(legs);
  // By slot, for every slot there may ever be (instances_ never grows past its capacity).
  slot_batch_.assign(std::max(instances_.capacity(), std::size_t{config_.max_instances}), 0);
  due_.reserve(slot_batch_.size());
  sealed_ = true;
}

std::size_t PatternEngine::poll(std::uint64_t now_ns, std::size_t budget) noexcept {
  if (TW_UNLIKELY(!sealed_)) seal();
  // A batch whose signals found the output full goes out first: nothing moves until it has.
  if (TW_UNLIKELY(holding_) && !flush_held()) return 0;
  std::size_t taken = 0;
  while (taken < budget) {
    const MarketUpdate* u = merge_.peek(now_ns);
    if (u == nullptr) break;
    // A later time closes the batch first; if its signals find the output full, the update
    // waits in the ring (the batch's key and watermark stay those of the batch closed).
    if (batch_open_ && u->time_ns != batch_time_) {
      close_batch();
      if (TW_UNLIKELY(holding_)) break;
    }
    // A reload across several threads: this one stops before its next batch until told where.
    if (!batch_open_ && TW_UNLIKELY(reloads_.front() != nullptr) && parked_for_reload(*u)) break;
    MarketUpdate update = *u;  // a copy: the slot is the writer's once given back
    merge_.pop();
    if (TW_UNLIKELY(merge_.late())) update.flags |= kLateMerge;
    take(update);
    ++taken;
    if (TW_UNLIKELY(holding_)) break;  // the output is full: let it drain
  }
  // The open batch closes when nothing more of its time can come: every feed has ended, or
  // (live) each has moved past it.
  if (taken == 0 && !holding_ && batch_open_ && (merge_.done() || merge_.past(batch_time_))) close_batch();
  return taken;
}

// A feed declared lagging (or back) has its legs stale on every thread, the same state
// everywhere, from the first update released after the declaration; one thread journals it,
// among that batch's signals, keyed by that update.
void PatternEngine::take_merge_notices(const MarketUpdate& at) noexcept {
  for (const MergeNotice& n : merge_.notices()) {
    const bool lagging = n.kind == MergeNotice::Kind::kLagging;
    if (lagging) mark_stale(n.feed);
    if (!config_.journal_merge_notices) continue;
    PatternSignal* claimed = claim_batch_signal(/*needs_key=*/false);
    if (claimed == nullptr) continue;
    PatternSignal& s = *claimed;
    s.kind = lagging ? PatternSignalKind::kFeedLagging : PatternSignalKind::kFeedCaughtUp;
    s.instance = kNoInstance;
    stamp(s, at);
    s.flags = static_cast<std::uint8_t>(s.flags & ~kTimedSignal);
    s.bid_feed = n.feed;  // the feed the notice is about
  }
  merge_.notices().clear();
}

bool PatternEngine::finished() noexcept {
  if (TW_UNLIKELY(!sealed_)) seal();
  if (holding_ && !flush_held()) return false;
  if (!merge_.done()) return false;
  if (batch_open_) close_batch();
  if (holding_ && !flush_held()) return false;
  if (!output_finished_.load(std::memory_order_relaxed)) {
    watermark_.store(~std::uint64_t{0}, std::memory_order_release);
    watermark_sequence_.store(~std::uint64_t{0}, std::memory_order_release);
    output_finished_.store(true, std::memory_order_release);
  }
  return true;
}

void PatternEngine::take(const MarketUpdate& u) noexcept {
  ++counters_.updates;
  // Updates of one time make one batch: a later time closes the batch before it.
  if (batch_open_ && u.time_ns != batch_time_) close_batch();
  if (!batch_open_) {
    // Changes from the control thread and the merge's declarations take effect between
    // batches: from this update on.
    if (TW_UNLIKELY(changes_.front() != nullptr)) take_changes(u);
    if (TW_UNLIKELY(reloads_.front() != nullptr)) take_reload(u);
    if (TW_UNLIKELY(!merge_.notices().empty())) take_merge_notices(u);
    batch_open_ = true;
    batch_time_ = u.time_ns;
    ++batch_number_;
  }
  batch_last_ = u;
  switch (u.kind) {
    case UpdateKind::kInstrument: name_instrument(u); return;
    case UpdateKind::kDayBegins: begin_day(u.feed); return;
    case UpdateKind::kFeedStale: mark_stale(u.feed); return;
    default: break;
  }
  const std::uint32_t security = directory_.security_of(u.feed, u.instrument);
  if (security == kNoSecurity) {
    ++counters_.unnamed_updates;
    return;
  }
  SecurityState& s = market_[security];
  Leg& leg = s.legs[u.feed];
  leg.suspect = (u.flags & kBookSuspect) != 0;
  s.updated_ns = u.time_ns;
  switch (u.kind) {
    case UpdateKind::kTopOfBook:
      leg.bid = u.top.bid_size != 0 ? u.top.bid : 0;
      leg.ask = u.top.ask_size != 0 ? u.top.ask : 0;
      leg.bid_size = u.top.bid_size;
      leg.ask_size = u.top.ask_size;
      leg.stale = false;
      s.consolidate();
      break;
    case UpdateKind::kTrade:
      s.last_trade = u.trade.price;
      s.last_trade_ns = u.time_ns;
      break;
    case UpdateKind::kTradingState:
      leg.state = static_cast<TradingState>(u.extra);
      break;
    default: break;
  }
  touch(security, u);
  if (TW_UNLIKELY(update_watchers_[security] != 0)) {
    for (std::uint32_t n = watch_heads_[security]; n != kNoNode; n = watch_nodes_[n].next) {
      if (!watch_nodes_[n].reads_updates) continue;
      current_ = instances_[watch_nodes_[n].instance].get();
      current_->on_update(market_, security, u, *this);
    }
  }
  for (PatternInstance* w : update_wildcards_) {
    current_ = w;
    w->on_update(market_, security, u, *this);
  }
  current_ = nullptr;
}

void PatternEngine::name_instrument(const MarketUpdate& u) noexcept {
  const Symbol on_feed = make_symbol(u.symbol());
  const Symbol& symbol = feed_symbols_ != nullptr ? feed_symbols_->security(u.feed, on_feed) : on_feed;
  const std::uint32_t before = directory_.count();
  const std::uint32_t security = directory_.named(symbol);
  if (security == kNoSecurity) return;
  directory_.map(u.feed, u.instrument, security);
  SecurityState& s = market_[security];
  s.feeds_named = static_cast<std::uint16_t>(s.feeds_named | (1u << u.feed));
  s.legs[u.feed] = Leg{};
  s.legs[u.feed].named = true;
  if (directory_.count() != before) resolve(security);
}

// A security named for the first time: the legs waiting for its name watch it now.
void PatternEngine::resolve(std::uint32_t security) noexcept {
  const Symbol& name = directory_.name(security);
  auto it = std::lower_bound(pending_legs_.begin(), pending_legs_.end(), name,
                             [](const PendingLeg& p, const Symbol& s) { return p.symbol < s; });
  for (; it != pending_legs_.end() && it->symbol == name; ++it) {
    watch(security, it->instance);
    instances_[it->instance]->resolved(it->leg, security);
  }
}

void PatternEngine::take_changes(const MarketUpdate& at) noexcept {
  while (const PatternChange* c = changes_.front()) {
    const PatternChange change = *c;
    changes_.pop();
    const std::uint32_t slot = change.id < slot_of_.capacity() ? slot_of_[change.id] : kNoSlot;
    switch (change.kind) {
      case PatternChange::Kind::kAdd: {
        if (slot != kNoSlot || instances_.size() == instances_.capacity() || change.id >= slot_of_.capacity()) {
          (void)retired_.try_push(change.instance);  // refused: the control thread checks first
          break;
        }
        const auto fresh = static_cast<std::uint32_t>(instances_.size());
        instances_.emplace_back(change.instance);
        slot_of_[change.id] = fresh;
        attach(fresh);
        change_notice(PatternSignalKind::kPatternAdded, *change.instance, at);
        break;
      }
      case PatternChange::Kind::kRemove:
        if (slot == kNoSlot) break;
        detach(slot);
        change_notice(PatternSignalKind::kPatternRemoved, *instances_[slot], at);
        (void)retired_.try_push(instances_[slot].release());
        slot_of_[change.id] = kNoSlot;
        break;
      case PatternChange::Kind::kReplace:
        if (slot == kNoSlot) {
          (void)retired_.try_push(change.instance);
          break;
        }
        replace(slot, change.instance);
        change_notice(PatternSignalKind::kPatternSet, *change.instance, at);
        break;
    }
    ++counters_.changes;
  }
  changes_taken_.store(counters_.changes, std::memory_order_release);
}

// The same securities under new parameters: the watch lists stay, the new instance is told
// of the legs already named.
void PatternEngine::replace(std::uint32_t slot, PatternInstance* instance) noexcept {
  detach(slot);
  (void)retired_.try_push(instances_[slot].release());
  instances_[slot].reset(instance);
  attach(slot);
}

// Before a batch's first update `next`: true while this thread must wait for the control
// thread to say where a coordinated reload takes effect (the update stays in its ring).
bool PatternEngine::parked_for_reload(const MarketUpdate& next) noexcept {
  ReferenceSwap& r = **reloads_.front();
  if (!r.coordinated || r.go.load(std::memory_order_acquire)) return false;
  if (!r.parked.load(std::memory_order_relaxed)) {
    r.parked_at = next;
    r.parked.store(true, std::memory_order_release);
  }
  return true;
}

// At a batch's first update: the reload waiting is taken here if this is its place (or it
// is dropped, cancelled). Pointers swapped, instances replaced; nothing allocated.
void PatternEngine::take_reload(const MarketUpdate& at) noexcept {
  ReferenceSwap& r = **reloads_.front();
  if (r.coordinated) {
    if (!r.go.load(std::memory_order_acquire)) return;  // not told yet (poll parks before this)
    if (r.cancel) {
      reloads_.pop();
      reloads_done_.fetch_add(1, std::memory_order_release);
      return;
    }
    if (merge_before(at, r.at)) return;  // its place is further on
  }
  feed_symbols_ = r.symbols;
  for (PatternChange& c : r.rebuilt) {
    const std::uint32_t slot = c.id < slot_of_.capacity() ? slot_of_[c.id] : kNoSlot;
    if (slot == kNoSlot) continue;  // removed meanwhile: the swap still owns (and frees) it
    replace(slot, c.instance);
    c.instance = nullptr;  // the thread's now
  }
  if (r.journal) {
    if (PatternSignal* s = claim_batch_signal(/*needs_key=*/false)) {
      s->kind = PatternSignalKind::kSecuritiesReloaded;
      s->instance = kNoInstance;
      s->version = r.version;
      stamp(*s, at);
      s->flags = static_cast<std::uint8_t>(s->flags & ~kTimedSignal);  // not a signal: no latency
    }
  }
  ++counters_.reloads;
  reloads_.pop();
  reloads_done_.fetch_add(1, std::memory_order_release);
}

// An instance starts watching: every security it names that is known already, the others
// once named (pending, in name order).
void PatternEngine::attach(std::uint32_t slot) noexcept {
  PatternInstance& instance = *instances_[slot];
  if (instance.watches_all()) {
    wildcards_.push_back(&instance);
    if (instance.reads_updates()) update_wildcards_.push_back(&instance);
    return;
  }
  const auto legs = instance.legs();
  for (std::size_t leg = 0; leg < legs.size(); ++leg) {
    const std::uint32_t security = directory_.find(legs[leg]);
    if (security != kNoSecurity) {
      watch(security, slot);
      instance.resolved(leg, security);
    } else if (pending_legs_.size() < pending_legs_.capacity()) {
      const PendingLeg pending{legs[leg], slot, static_cast<std::uint32_t>(leg)};
      pending_legs_.insert(std::upper_bound(pending_legs_.begin(), pending_legs_.end(), pending,
                                            [](const PendingLeg& a, const PendingLeg& b) { return a.symbol < b.symbol; }),
                           pending);
    } else {
      ++counters_.watch_nodes_refused;
    }
  }
}

void PatternEngine::detach(std::uint32_t slot) noexcept {
  PatternInstance& instance = *instances_[slot];
  if (instance.watches_all()) {
    std::erase(wildcards_, &instance);
    std::erase(update_wildcards_, &instance);
    return;
  }
  for (const Symbol& symbol : instance.legs()) {
    const std::uint32_t security = directory_.find(symbol);
    if (security != kNoSecurity) unwatch(security, slot);
  }
  std::erase_if(pending_legs_, [slot](const PendingLeg& p) { return p.instance == slot; });
}

void PatternEngine::unwatch(std::uint32_t security, std::uint32_t slot) noexcept {
  for (std::uint32_t* link = &watch_heads_[security]; *link != kNoNode; link = &watch_nodes_[*link].next) {
    const std::uint32_t n = *link;
    if (watch_nodes_[n].instance != slot) continue;
    if (watch_nodes_[n].reads_updates) --update_watchers_[security];
    *link = watch_nodes_[n].next;
    watch_nodes_[n].next = free_nodes_;
    free_nodes_ = n;
    return;
  }
}

// A change goes into the journal among the batch's signals, keyed by the update it took
// effect at.
void PatternEngine::change_notice(PatternSignalKind kind, const PatternInstance& instance,
                                  const MarketUpdate& at) noexcept {
  PatternSignal* claimed = claim_batch_signal(/*needs_key=*/false);
  if (claimed == nullptr) return;
  PatternSignal& s = *claimed;
  s.kind = kind;
  s.instance = instance.id();
  s.version = instance.version();
  stamp(s, at);
  s.flags = static_cast<std::uint8_t>(s.flags & ~kTimedSignal);  // not a signal: no latency
}

void PatternEngine::watch(std::uint32_t security, std::uint32_t instance) noexcept {
  // One node per (security, instance): an instance naming a security twice is told once.
  for (std::uint32_t n = watch_heads_[security]; n != kNoNode; n = watch_nodes_[n].next) {
    if (watch_nodes_[n].instance == instance) return;
  }
  const bool reads_updates = instances_[instance]->reads_updates();
  if (free_nodes_ != kNoNode) {
    const std::uint32_t n = free_nodes_;
    free_nodes_ = watch_nodes_[n].next;
    watch_nodes_[n] = {instance, watch_heads_[security], reads_updates};
    watch_heads_[security] = n;
  } else if (watch_nodes_.size() == watch_nodes_.capacity()) {
    ++counters_.watch_nodes_refused;
    return;
  } else {
    watch_nodes_.push_back({instance, watch_heads_[security], reads_updates});
    watch_heads_[security] = static_cast<std::uint32_t>(watch_nodes_.size() - 1);
  }
  if (reads_updates) ++update_watchers_[security];
}

void PatternEngine::begin_day(std::uint16_t feed) noexcept {
  ++counters_.days_begun;
  const std::uint16_t bit = static_cast<std::uint16_t>(1u << feed);
  for (std::uint32_t s = 0; s < directory_.count(); ++s) {
    SecurityState& state = market_[s];
    if (!(state.feeds_named & bit)) continue;
    state.feeds_named = static_cast<std::uint16_t>(state.feeds_named & ~bit);
    state.legs[feed] = Leg{};
    state.consolidate();
  }
  directory_.clear_feed(feed);
  for (auto& instance : instances_) {
    if (instance) instance->on_day_begins(feed);  // null: removed
  }
}

void PatternEngine::mark_stale(std::uint16_t feed) noexcept {
  ++counters_.stale_marks;
  for (std::uint32_t s = 0; s < directory_.count(); ++s) {
    SecurityState& state = market_[s];
    if (!(state.feeds_named & (1u << feed))) continue;
    state.legs[feed].stale = true;
    state.consolidate();
  }
}

void PatternEngine::touch(std::uint32_t security, const MarketUpdate& u) noexcept {
  if (touched_stamp_[security] == batch_number_) {
    last_touch_[touched_index_[security]] = u;
    return;
  }
  if (touched_.size() == touched_.capacity()) {
    ++counters_.batch_securities_refused;
    return;
  }
  touched_stamp_[security] = batch_number_;
  touched_index_[security] = static_cast<std::uint32_t>(touched_.size());
  last_touch_[touched_.size()] = u;
  touched_.push_back(security);
}

void PatternEngine::close_batch() noexcept {
  batch_open_ = false;
  ++counters_.batches;
  if (!touched_.empty()) {
    const BatchView view{batch_time_, &batch_last_, std::span<const std::uint32_t>(touched_),
                         std::span<const MarketUpdate>(last_touch_.data(), touched_.size())};
    // Two passes: the instances due are listed (each once, in the order their securities
    // were touched) and their first lines prefetched, then evaluated. With thousands of
    // instances each is cold; fetched one after another their misses would add up, listed
    // first they overlap.
    due_.clear();
    for (const std::uint32_t security : touched_) {
      for (std::uint32_t n = watch_heads_[security]; n != kNoNode; n = watch_nodes_[n].next) {
        const std::uint32_t slot = watch_nodes_[n].instance;
        if (slot_batch_[slot] == batch_number_) continue;
        slot_batch_[slot] = batch_number_;
        const auto* bytes = reinterpret_cast<const char*>(instances_[slot].get());
        for (std::size_t line = 0; line < kPrefetchLines; ++line) __builtin_prefetch(bytes + line * kCacheLine);
        due_.push_back(slot);
      }
    }
    for (const std::uint32_t slot : due_) {
      current_ = instances_[slot].get();
      current_->on_batch_end(market_, view, *this);
    }
    for (PatternInstance* w : wildcards_) {
      current_ = w;
      w->on_batch_end(market_, view, *this);
    }
    current_ = nullptr;
  }
  emit_batch();
  touched_.clear();
  if (!holding_) publish_watermark();
}

// Every signal of the batches closed so far is on the ring: the merge may release up to here.
void PatternEngine::publish_watermark() noexcept {
  watermark_sequence_.store(batch_last_.sequence + 1, std::memory_order_release);
  watermark_.store(batch_time_ + 1, std::memory_order_release);
}

PatternSignal* PatternEngine::claim_batch_signal(bool needs_key) noexcept {
  if (batch_signal_count_ == batch_signals_.size()) {
    ++counters_.batch_signals_refused;
    return nullptr;
  }
  needs_key_[batch_signal_count_] = needs_key;
  PatternSignal* s = &batch_signals_[batch_signal_count_++];
  std::memset(static_cast<void*>(s), 0, sizeof *s);
  return s;
}

PatternSignal* PatternEngine::signal(PatternSignalKind kind, const MarketUpdate* key) noexcept {
  if (current_ == nullptr) {
    ++counters_.batch_signals_refused;
    return nullptr;
  }
  PatternSignal* claimed = claim_batch_signal(key == nullptr);
  if (claimed == nullptr) return nullptr;
  PatternSignal& s = *claimed;
  s.kind = kind;
  s.instance = current_->id();
  s.version = current_->version();
  s.emitted = current_->emitted++;
  if (key != nullptr) stamp(s, *key);
  return &s;
}

void PatternEngine::stamp(PatternSignal& s, const MarketUpdate& key) noexcept {
  s.time_ns = key.time_ns;
  s.sequence = key.sequence;
  s.feed = key.feed;
  s.event_index = key.event_index;
  if (key.flags & kTimed) {
    s.flags |= kTimedSignal;
    s.arrival_low = key.arrival_low;
  }
  if (key.flags & kLateMerge) s.flags |= kLateInput;
  if (key.flags & kBookSuspect) s.flags |= kSuspectInput;
  if (key.flags & kVolatileUpdate) s.flags |= kVolatileInput;
}

void PatternEngine::emit_batch() noexcept {
  for (std::size_t i = 0; i < batch_signal_count_; ++i) {
    PatternSignal& s = batch_signals_[i];
    // The key a signal without its own gets is the batch's last update, known only now.
    if (needs_key_[i]) stamp(s, batch_last_);
  }
  held_from_ = 0;
  holding_ = true;
  (void)flush_held();
}

// The batch's signals not yet on the output ring. Live a full ring drops them (counted);
// in replay they wait, and the engine takes nothing more until they are out (the thread
// that drains the ring may be this one's caller: it must not wait here).
bool PatternEngine::flush_held() noexcept {
  // One clock read for the batch: its signals are handed over together.
  const std::uint32_t now_low =
      config_.clock != nullptr && batch_signal_count_ != 0
          ? static_cast<std::uint32_t>(config_.clock->to_ns(metrics::TscClock::now()))
          : 0;
  for (; held_from_ < batch_signal_count_; ++held_from_) {
    const PatternSignal& s = batch_signals_[held_from_];
    if (output_.try_push(s)) {
      ++counters_.signals;
      // Modular: the low 32 bits of two times less than 4.3 s apart.
      if (config_.clock != nullptr && (s.flags & kTimedSignal)) latency_.record(now_low - s.arrival_low);
    } else if (config_.live) {
      ++counters_.signals_dropped;
    } else {
      return false;
    }
  }
  batch_signal_count_ = 0;
  held_from_ = 0;
  holding_ = false;
  publish_watermark();
  return true;
}

}  // namespace tickwire::patterns
