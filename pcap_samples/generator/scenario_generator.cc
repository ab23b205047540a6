#include "pcap_samples/generator/scenario_generator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "dataplane/core/cache.h"
#include "pcap_samples/generator/det_math.h"
#include "pcap_samples/generator/market_calendar.h"

namespace tickwire::generator {

namespace {

using itch::AddOrder;
using itch::AddOrderMpid;
using itch::CrossTrade;
using itch::MarketParticipantPosition;
using itch::MwcbDeclineLevel;
using itch::NetOrderImbalance;
using itch::OrderCancel;
using itch::OrderDelete;
using itch::OrderExecuted;
using itch::OrderExecutedWithPrice;
using itch::OrderReplace;
using itch::RegShoRestriction;
using itch::StockDirectory;
using itch::StockTradingAction;
using itch::SystemEvent;
using itch::Trade;

constexpr std::uint64_t kExpScale = 1024;  // fixed point of the exponential table

// Messages in the fixed part of the day: six system events and one MWCB decline level;
// per symbol a directory entry, a trading action and a Reg SHO state at the start, and an
// opening and a closing cross.
constexpr std::uint64_t kSystemEvents = 6;
constexpr std::uint64_t kMwcbLevels = 1;
constexpr std::uint64_t kStartOfDayPerSymbol = 3;
constexpr std::uint64_t kCrossesPerSymbol = 2;
constexpr std::uint64_t kMinFlowMessages = 16;
constexpr std::uint64_t kMessagesPerHalt = 2;  // halt and resume

// The opening NOII period is 5 minutes, the closing one 10: split their budget likewise.
constexpr std::uint64_t kOpeningNoiiParts = 1, kNoiiParts = 3;

// Directory messages are spread after 'O', at most this far apart.
constexpr std::uint64_t kDirectoryDelay = kNanosPerMilli;
constexpr std::uint64_t kDirectoryMaxStep = 10 * kNanosPerMicro;
constexpr std::uint64_t kCrossWindow = kNanosPerMilli;

// Arrivals: a share of gaps are microbursts (clusters of messages from one event or one
// algorithm), the rest exponential, keeping the configured mean.
constexpr double kClusterShare = 0.5;
constexpr std::uint64_t kClusterMaxGapNs = 2'000;

// Order placement: how often an add improves the touch (more often when the price is on
// the far side of the ladder's centre, which keeps prices inside the window), and by how
// many levels at most.
constexpr double kImproveTowardCentre = 0.20;
constexpr double kImproveAwayFromCentre = 0.04;
constexpr int kMaxImprovement = 3;
constexpr double kDepthWeights[] = {30, 18, 12, 9, 7, 6, 5, 4, 3, 2, 2, 2};

// Executions: the share that fills the resting order completely, and the chance that an
// aggressor goes on to the next order in the queue (a sweep: several E at one timestamp).
constexpr double kFullFill = 0.75;
constexpr double kSweepContinue = 0.30;
constexpr double kNonPrintable = 0.10;  // C with printable 'N'
constexpr double kReplaceKeepsShares = 0.70;
constexpr int kRetries = 4;

// Above 110% of the live-order target, deletes take the next order to expire even if its
// lifetime has not ended; the pool holds 125% of the target.
constexpr std::uint64_t kForcePercent = 110;
// Little's law above overestimates the books by about this factor (executions take resting
// orders, deaths wait for deletes): measured 0.73..0.91 on runs of 1M..15M messages.
constexpr double kLittleEfficiency = 0.85;

constexpr int kScaleBisections = 200;
constexpr double kScaleLow = 1e-12, kScaleHigh = 1e6;

// Halts: placed in the first 80% of the flow, lasting 2%..10% of it.
constexpr double kHaltStartFrom = 0.10, kHaltStartSpan = 0.70;
constexpr double kHaltLengthFrom = 0.02, kHaltLengthSpan = 0.08;
constexpr const char* kHaltReasons[] = {"T1", "T12", "LUDP", "H10"};

// Timestamp anomalies jump by 1 ms .. 1 s.
constexpr std::uint64_t kAnomalyMinNs = kNanosPerMilli;
constexpr std::uint64_t kAnomalyMaxNs = kNanosPerSecond;

// Made-up market participant ids (F attribution, L positions).
constexpr const char* kMpids[] = {"ALFA", "BRVO", "CHRL", "DLTA", "ECHO", "FXTR", "GOLF", "HTEL"};
constexpr std::size_t kMpidCount = sizeof(kMpids) / sizeof(kMpids[0]);

// MWCB decline levels (Price(8)): levels 1-3 of an index near 5800.
constexpr std::uint64_t kPrice8PerDollar = 100'000'000;
constexpr std::uint64_t kMwcbLevel1 = 5394 * kPrice8PerDollar;
constexpr std::uint64_t kMwcbLevel2 = 5046 * kPrice8PerDollar;
constexpr std::uint64_t kMwcbLevel3 = 4640 * kPrice8PerDollar;

constexpr double kRegShoRestrictedShare = 0.02;
constexpr double kLuldTier1Share = 0.2;  // the most active names are tier 1
constexpr std::uint32_t kRoundLot = 100;

std::uint64_t pool_capacity(std::uint64_t live_target) { return live_target + live_target / 4 + 1024; }

LogSegment scaled(LogSegment s, double factor) {
  s.low *= factor;
  s.high *= factor;
  return s;
}

}  // namespace

ScenarioGenerator::ScenarioGenerator(const ScenarioConfig& config, std::uint64_t live_target)
    : config_(config),
      symbol_rng_(config.universe_seed != 0 ? config.universe_seed : config.seed, Stream::kSymbols),
      flow_rng_(config.seed, Stream::kFlow),
      schedule_rng_(config.seed, Stream::kSchedule),
      universe_(config.symbols, config.zipf_exponent, symbol_rng_),
      books_(config.symbols, static_cast<std::uint32_t>(pool_capacity(live_target))),
      expiries_(pool_capacity(live_target)),
      live_target_(live_target),
      force_threshold_(live_target * kForcePercent / 100) {
  const MessageMix& m = config.mix;
  const double sweep = 1.0 / (1.0 - kFullFill * kSweepContinue);  // expected E per execution
  const double weights[kActionCount] = {m.add, m.add_attributed, m.delete_order, m.replace,
                                        m.execute / sweep, m.execute_with_price, m.cancel, m.hidden_trade};
  actions_ = AliasTable(weights);
  depth_ = AliasTable(kDepthWeights);
  std::vector<LogSegment> profile;
  for (const LogSegment& s : config.lifetimes.segments) profile.push_back(scaled(s, kNanosPerSecond));
  profile_ns_ = build_log_segment_table(profile);
  exponential_ = QuantileTable::build(
      [](double u) { return -detmath::log(1.0 - u) * static_cast<double>(kExpScale); });
}

std::unique_ptr<ScenarioGenerator> ScenarioGenerator::create(const ScenarioConfig& config, std::string& error) {
  error = validate(config);
  if (!error.empty()) return nullptr;
  std::unique_ptr<ScenarioGenerator> g(new ScenarioGenerator(config, config.effective_live_target()));
  error = g->plan();
  if (!error.empty()) return nullptr;
  return g;
}

std::string ScenarioGenerator::plan() {
  const std::uint64_t n = config_.symbols;
  const double total = static_cast<double>(config_.messages);
  participant_messages_ = static_cast<std::uint64_t>(total * config_.mix.participant_position / 100.0);
  const std::uint64_t fixed = kSystemEvents + kMwcbLevels + (kStartOfDayPerSymbol + kCrossesPerSymbol) * n +
                              participant_messages_;
  for (std::uint32_t i = 0; i < universe_.size(); ++i) {
    if (universe_[i].nasdaq_listed) nasdaq_listed_.push_back(i);
  }
  const std::uint64_t noii = nasdaq_listed_.empty() ? 0 : static_cast<std::uint64_t>(total * config_.mix.noii / 100.0);
  const std::uint64_t halt_messages = kMessagesPerHalt * config_.halts;
  if (config_.messages < fixed + noii + halt_messages + kMinFlowMessages) {
    return "messages: " + std::to_string(config_.messages) + " is too few: " + std::to_string(n) +
           " symbols need " + std::to_string(fixed + noii + halt_messages + kMinFlowMessages) +
           " (directory, crosses, NOII, halts and a minimal flow)";
  }
  noii_open_ = noii * kOpeningNoiiParts / kNoiiParts;
  noii_close_ = noii - noii_open_;
  flow_budget_ = config_.messages - fixed - noii;

  // The flow's length in exchange time; squeezed (rate raised) if it would not fit the day.
  double rate = config_.rate;
  const double window = static_cast<double>(DaySchedule::kFlowLatestEnd - DaySchedule::kFlowStart);
  if (static_cast<double>(flow_budget_) / rate * static_cast<double>(kNanosPerSecond) > window) {
    rate = static_cast<double>(flow_budget_) * static_cast<double>(kNanosPerSecond) / window;
  }
  // Bursts spend the budget faster: the flow's expected length solves
  // rate * (T + sum over bursts of (multiplier - 1) * overlap with [0, T]) = budget.
  auto messages_by = [&](double t) {
    double m = t;
    for (const Burst& b : config_.bursts) {
      const double overlap = std::min(t, b.start_seconds + b.duration_seconds) - b.start_seconds;
      if (overlap > 0) m += (b.multiplier - 1.0) * overlap;
    }
    return m * rate;
  };
  double low = 0.0, high = static_cast<double>(flow_budget_) / rate;
  for (int i = 0; i < kScaleBisections; ++i) {
    const double mid = 0.5 * (low + high);
    (messages_by(mid) < static_cast<double>(flow_budget_) ? low : high) = mid;
  }
  const auto flow_length = static_cast<std::uint64_t>(high * kNanosPerSecond);
  report_.flow_rate = rate;
  report_.live_orders_target = live_target_;
  const double flow_seconds = static_cast<double>(flow_length) / kNanosPerSecond;
  const double scale = config_.lifetime_scale > 0.0 ? config_.lifetime_scale : solve_lifetime_scale(flow_seconds, rate);
  report_.lifetime_scale = scale;
  std::vector<LogSegment> lifetimes;
  for (const LogSegment& s : config_.lifetimes.segments) lifetimes.push_back(scaled(s, scale * kNanosPerSecond));
  lifetime_ns_ = build_log_segment_table(lifetimes);
  const double longest = lifetimes.back().high;
  const double flow_ns = flow_seconds * kNanosPerSecond;
  expiries_.set_horizon(static_cast<std::uint64_t>(std::min(longest, 2.0 * flow_ns)) + 1);
  for (std::size_t i = 0; i < kLifetimeBucketBounds.size(); ++i) {
    scaled_bounds_[i] = static_cast<std::uint64_t>(static_cast<double>(kLifetimeBucketBounds[i]) * scale);
  }
  mean_gap_scaled_ = static_cast<std::uint64_t>(static_cast<double>(kNanosPerSecond) * kExpScale / rate);

  for (const Burst& b : config_.bursts) {
    BurstRecord r;
    r.start_timestamp = DaySchedule::kFlowStart + static_cast<std::uint64_t>(b.start_seconds * kNanosPerSecond);
    r.end_timestamp = r.start_timestamp + static_cast<std::uint64_t>(b.duration_seconds * kNanosPerSecond);
    r.multiplier = b.multiplier;
    log_.bursts.push_back(r);
  }

  std::vector<bool> halted(n, false);
  for (std::uint32_t h = 0; h < config_.halts; ++h) {
    std::uint32_t s = universe_.draw(schedule_rng_);
    while (halted[s]) s = (s + 1) % static_cast<std::uint32_t>(n);
    halted[s] = true;
    HaltPlan p;
    p.symbol = s;
    const double length = static_cast<double>(flow_length);
    p.start = DaySchedule::kFlowStart +
              static_cast<std::uint64_t>(length * (kHaltStartFrom + kHaltStartSpan * schedule_rng_.unit()));
    p.end = p.start + 1 + static_cast<std::uint64_t>(length * (kHaltLengthFrom + kHaltLengthSpan * schedule_rng_.unit()));
    HaltRecord r;
    r.symbol = s;
    r.locate = universe_[s].locate;
    std::memcpy(r.stock, universe_[s].stock, sizeof r.stock);
    const char* reason = kHaltReasons[schedule_rng_.below(std::size(kHaltReasons))];
    std::memset(r.reason, ' ', sizeof r.reason);
    std::memcpy(r.reason, reason, std::strlen(reason));
    p.record = log_.halts.size();
    log_.halts.push_back(r);
    halt_plan_.push_back(p);
  }
  unstarted_halts_ = halt_plan_.size();
  for (const HaltPlan& p : halt_plan_) next_halt_event_ = std::min(next_halt_event_, p.start);
  std::sort(halt_plan_.begin(), halt_plan_.end(),
            [](const HaltPlan& a, const HaltPlan& b) { return a.start < b.start || (a.start == b.start && a.symbol < b.symbol); });

  // Anomalies sit on distinct flow messages (sequence numbers are known in advance: the
  // fixed part before the flow is fixed).
  const std::uint64_t before_flow = kSystemEvents - 3 + kMwcbLevels + kStartOfDayPerSymbol * n +
                                    participant_messages_ + noii_open_ + n;  // O S Q, V, directory, L, I, Q
  const std::uint32_t anomalies = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(config_.timestamp_anomalies, flow_budget_ / 2));
  std::vector<bool> taken(flow_budget_, false);
  for (std::uint32_t a = 0; a < anomalies; ++a) {
    std::uint64_t k = schedule_rng_.below(flow_budget_ - 1) + 1;  // never the first flow message
    while (taken[k]) k = k + 1 < flow_budget_ ? k + 1 : 1;
    taken[k] = true;
    anomaly_seqs_.push_back(before_flow + 1 + k);
  }
  std::sort(anomaly_seqs_.begin(), anomaly_seqs_.end());
  log_.anomalies.reserve(anomaly_seqs_.size());
  return {};
}

void ScenarioGenerator::emit(std::size_t length) {
  ++seq_;
  auto& header = *reinterpret_cast<itch::MessageHeader*>(scratch_);
  std::uint64_t ts = header.timestamp.value();
  if (TW_UNLIKELY(next_anomaly_ < anomaly_seqs_.size() && anomaly_seqs_[next_anomaly_] == seq_)) {
    ++next_anomaly_;
    TimestampAnomalyRecord r;
    r.seq = seq_;
    r.forward = (schedule_rng_.next() & 1) != 0;
    r.expected_timestamp = ts;
    const std::uint64_t jump = schedule_rng_.between(kAnomalyMinNs, kAnomalyMaxNs);
    if (r.forward) {
      ts += jump;
    } else {
      ts = last_written_timestamp_ > jump ? last_written_timestamp_ - jump : 0;
    }
    r.written_timestamp = ts;
    header.timestamp.set(ts);
    log_.anomalies.push_back(r);
  }
  last_written_timestamp_ = ts;
  ++report_.by_type[scratch_[0]];
  ++report_.messages;
  sink_->on_message(scratch_, length, ts);
}

void ScenarioGenerator::emit_system_event(char code, std::uint64_t timestamp) {
  now_ = std::max(now_, timestamp);
  auto& m = start_message<SystemEvent>(scratch_, 0, now_);
  set_char(m.event_code, code);
  emit(sizeof m);
}

void ScenarioGenerator::emit_directory() {
  const std::uint64_t n = universe_.size();
  const std::uint64_t count = n * kStartOfDayPerSymbol + participant_messages_;
  const std::uint64_t room = DaySchedule::kStartOfSystemHours - DaySchedule::kStartOfMessages - 2 * kDirectoryDelay;
  const std::uint64_t step = std::max<std::uint64_t>(1, std::min(kDirectoryMaxStep, room / (count + 1)));
  now_ += kDirectoryDelay;
  for (std::uint32_t i = 0; i < n; ++i) {
    const SymbolInfo& s = universe_[i];
    const auto tier1 = static_cast<std::uint32_t>(kLuldTier1Share * static_cast<double>(n));
    {
      auto& r = start_message<StockDirectory>(scratch_, s.locate, now_);
      r.stock.set(stock_view(s.stock));
      set_char(r.market_category, s.market_category);
      set_char(r.financial_status_indicator, s.nasdaq_listed ? 'N' : ' ');
      r.round_lot_size.set(kRoundLot);
      set_char(r.round_lots_only, 'N');
      set_char(r.issue_classification, s.etp ? 'Q' : 'C');
      r.issue_sub_type.set(s.etp ? "I" : "Z");
      set_char(r.authenticity, 'P');
      set_char(r.short_sale_threshold_indicator, s.nasdaq_listed ? 'N' : ' ');
      set_char(r.ipo_flag, s.nasdaq_listed ? 'N' : ' ');
      set_char(r.luld_reference_price_tier, s.popularity_rank < tier1 ? '1' : '2');
      set_char(r.etp_flag, s.etp ? 'Y' : 'N');
      r.etp_leverage_factor.set(s.etp ? 1 : 0);
      set_char(r.inverse_indicator, 'N');
      emit(sizeof r);
    }
    now_ += step;
    {
      auto& h = start_message<StockTradingAction>(scratch_, s.locate, now_);
      h.stock.set(stock_view(s.stock));
      set_char(h.trading_state, 'T');
      set_char(h.reserved, ' ');
      h.reason.set("");
      emit(sizeof h);
    }
    now_ += step;
    {
      auto& y = start_message<RegShoRestriction>(scratch_, s.locate, now_);
      y.stock.set(stock_view(s.stock));
      set_char(y.reg_sho_action, symbol_rng_.unit() < kRegShoRestrictedShare ? '1' : '0');
      emit(sizeof y);
    }
    now_ += step;
  }
  for (std::uint64_t k = 0; k < participant_messages_; ++k) {
    const SymbolInfo& s = universe_[static_cast<std::uint32_t>(k % n)];
    auto& l = start_message<MarketParticipantPosition>(scratch_, s.locate, now_);
    l.mpid.set(kMpids[(k / n) % kMpidCount]);
    l.stock.set(stock_view(s.stock));
    set_char(l.primary_market_maker, k / n == 0 ? 'Y' : 'N');
    set_char(l.market_maker_mode, 'N');
    set_char(l.market_participant_state, 'A');
    emit(sizeof l);
    now_ += step;
  }
}

void ScenarioGenerator::emit_noii(std::uint64_t count, std::uint64_t from, std::uint64_t to, char cross_type) {
  const std::vector<std::uint32_t>& listed = nasdaq_listed_;
  from = std::max(from, now_);
  const std::uint64_t span = to > from ? to - from : 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint32_t i = listed[k % listed.size()];
    const SymbolInfo& s = universe_[i];
    const SymbolBook& b = books_.book(i);
    now_ = std::max(now_, from + static_cast<std::uint64_t>(static_cast<unsigned __int128>(span) * k / count));
    const std::uint32_t reference = universe_.price_at(i, static_cast<std::uint32_t>(b.anchor));
    auto& m = start_message<NetOrderImbalance>(scratch_, s.locate, now_);
    m.paired_shares.set(kRoundLot * flow_rng_.between(0, 2'000));
    const char direction = "BSNO"[flow_rng_.below(4)];
    // 'N' no imbalance, 'O' too few orders to compute one: no imbalance shares either.
    const bool none = direction == 'N' || direction == 'O';
    m.imbalance_shares.set(none ? 0 : kRoundLot * flow_rng_.between(1, 500));
    set_char(m.imbalance_direction, direction);
    m.stock.set(stock_view(s.stock));
    m.far_price.set(reference + s.step * static_cast<std::uint32_t>(flow_rng_.below(3)));
    m.near_price.set(reference + s.step * static_cast<std::uint32_t>(flow_rng_.below(2)));
    m.current_reference_price.set(reference);
    set_char(m.cross_type, cross_type);
    set_char(m.price_variation_indicator, 'L');
    emit(sizeof m);
  }
}

void ScenarioGenerator::emit_crosses(std::uint64_t at, char cross_type) {
  now_ = std::max(now_, at);
  const std::uint64_t step = std::max<std::uint64_t>(1, kCrossWindow / (universe_.size() + 1));
  for (std::uint32_t i = 0; i < universe_.size(); ++i) {
    const SymbolInfo& s = universe_[i];
    const SymbolBook& b = books_.book(i);
    int level = b.anchor;
    if (b.has_bid() && b.has_ask()) level = (b.best_bid + b.best_ask) / 2;
    else if (b.has_bid()) level = b.best_bid;
    else if (b.has_ask()) level = b.best_ask;
    auto& q = start_message<CrossTrade>(scratch_, s.locate, now_);
    // Cross volume follows activity; quiet names often cross nothing.
    const auto scale = static_cast<std::uint64_t>(s.popularity * 1e6);
    q.shares.set(scale == 0 ? 0 : kRoundLot * flow_rng_.between(0, scale));
    q.stock.set(stock_view(s.stock));
    q.cross_price.set(universe_.price_at(i, static_cast<std::uint32_t>(level)));
    q.match_number.set(next_match_++);
    set_char(q.cross_type, cross_type);
    emit(sizeof q);
    now_ += step;
  }
}

void ScenarioGenerator::run(MessageSink& sink) {
  sink_ = &sink;
  next_reference_ = flow_rng_.between(1, 1'000);
  emit_system_event('O', DaySchedule::kStartOfMessages);
  emit_directory();
  emit_system_event('S', DaySchedule::kStartOfSystemHours);
  {
    auto& v = start_message<MwcbDeclineLevel>(scratch_, 0, now_);
    v.level1.set(kMwcbLevel1);
    v.level2.set(kMwcbLevel2);
    v.level3.set(kMwcbLevel3);
    emit(sizeof v);
  }
  emit_noii(noii_open_, DaySchedule::kOpeningNoiiStart, DaySchedule::kStartOfMarketHours, 'O');
  emit_system_event('Q', DaySchedule::kStartOfMarketHours);
  emit_crosses(DaySchedule::kStartOfMarketHours + kNanosPerMicro, 'O');
  run_flow();
  emit_noii(noii_close_, DaySchedule::kClosingNoiiStart, DaySchedule::kEndOfMarketHours, 'C');
  emit_system_event('M', DaySchedule::kEndOfMarketHours);
  emit_crosses(DaySchedule::kEndOfMarketHours + kNanosPerMicro, 'C');
  emit_system_event('E', DaySchedule::kEndOfSystemHours);
  emit_system_event('C', DaySchedule::kEndOfMessages);
  report_.live_orders_at_end = books_.live_count();
  sink.on_end();
}

void ScenarioGenerator::advance_clock() {
  std::uint64_t mean = mean_gap_scaled_;
  for (const BurstRecord& b : log_.bursts) {
    if (now_ >= b.start_timestamp && now_ < b.end_timestamp) {
      mean = static_cast<std::uint64_t>(static_cast<double>(mean) / b.multiplier);
      break;
    }
  }
  const std::uint64_t mean_ns = mean / kExpScale;
  std::uint64_t gap = 0;
  if (mean_ns > 2 * kClusterMaxGapNs && flow_rng_.chance32(probability32(kClusterShare))) {
    gap = flow_rng_.below(kClusterMaxGapNs);
  } else {
    // Keep the overall mean: the exponential part carries what the clusters do not.
    std::uint64_t tail = mean;
    if (mean_ns > 2 * kClusterMaxGapNs) {
      const double cluster_mean = static_cast<double>(kClusterMaxGapNs) / 2.0 * kExpScale;
      tail = static_cast<std::uint64_t>((static_cast<double>(mean) - kClusterShare * cluster_mean) /
                                        (1.0 - kClusterShare));
    }
    gap = static_cast<std::uint64_t>(
        (static_cast<unsigned __int128>(tail) * exponential_.sample(flow_rng_)) / (kExpScale * kExpScale));
  }
  now_ += gap;
  expiries_.advance(now_);
}

void ScenarioGenerator::run_halt_events(std::uint64_t up_to, bool force_end) {
  for (HaltPlan& p : halt_plan_) {
    HaltRecord& r = log_.halts[p.record];
    const SymbolInfo& s = universe_[p.symbol];
    if (!p.started && p.start <= up_to && !force_end) {
      p.started = true;
      --unstarted_halts_;
      ++active_halts_;
      books_.book(p.symbol).halted = true;
      auto& h = start_message<StockTradingAction>(scratch_, s.locate, now_);
      h.stock.set(stock_view(s.stock));
      set_char(h.trading_state, r.state);
      set_char(h.reserved, ' ');
      h.reason.set(std::string_view(r.reason, sizeof r.reason));
      r.start_timestamp = now_;
      emit(sizeof h);
      r.start_seq = seq_;
    }
    if (p.started && !p.ended && (p.end <= up_to || force_end)) {
      p.ended = true;
      --active_halts_;
      books_.book(p.symbol).halted = false;
      auto& h = start_message<StockTradingAction>(scratch_, s.locate, now_);
      h.stock.set(stock_view(s.stock));
      set_char(h.trading_state, 'T');
      set_char(h.reserved, ' ');
      h.reason.set("");
      r.end_timestamp = now_;
      emit(sizeof h);
      r.end_seq = seq_;
    }
  }
  // The next time anything is due, so the flow does not walk the plan on every message.
  next_halt_event_ = ~std::uint64_t{0};
  for (const HaltPlan& p : halt_plan_) {
    if (!p.started) next_halt_event_ = std::min(next_halt_event_, p.start);
    else if (!p.ended) next_halt_event_ = std::min(next_halt_event_, p.end);
  }
}

void ScenarioGenerator::run_flow() {
  now_ = std::max(now_, DaySchedule::kFlowStart);
  report_.flow_first_timestamp = now_;
  lookahead_symbol_ = universe_.draw(flow_rng_);
  const std::uint64_t first_seq = seq_ + 1;
  const std::uint64_t end_seq = seq_ + flow_budget_;
  while (seq_ < end_seq) {
    advance_clock();
    const std::uint64_t unstarted = unstarted_halts_;
    std::uint64_t remaining = end_seq - seq_;
    if (remaining <= kMessagesPerHalt * unstarted + active_halts_) {
      // Out of room: halts not yet begun are dropped, running ones resume now.
      std::erase_if(halt_plan_, [&](const HaltPlan& p) {
        if (!p.started) log_.halts[p.record].symbol = kNoSymbol;
        return !p.started;
      });
      unstarted_halts_ = 0;
      run_halt_events(now_, true);
      continue;
    }
    if (now_ >= next_halt_event_) {
      const std::uint64_t before = seq_;
      run_halt_events(now_, false);
      if (seq_ != before) continue;
    }
    const std::uint64_t budget = remaining - kMessagesPerHalt * unstarted - active_halts_;

    auto action = static_cast<Action>(actions_.sample(flow_rng_));
    if (action == Action::kDelete || action == Action::kReplace) {
      // Orders die when their lifetime ends. If none has, the death is owed and an add
      // takes its place; owed deaths are paid back on later adds, so the mix holds.
      if (!victim_available()) {
        ++(action == Action::kDelete ? owed_deletes_ : owed_replaces_);
        ++report_.deaths_deferred;
        action = Action::kAdd;
      }
    } else if (action == Action::kAdd && owed_deletes_ + owed_replaces_ > 0 && victim_available()) {
      if (flow_rng_.below(owed_deletes_ + owed_replaces_) < owed_replaces_) {
        --owed_replaces_;
        action = Action::kReplace;
      } else {
        --owed_deletes_;
        action = Action::kDelete;
      }
    }
    if ((action == Action::kAdd || action == Action::kAddAttributed) && books_.full()) action = Action::kDelete;
    const std::uint64_t before = seq_;
    if (step(action, budget) == 0 && step(Action::kAdd, budget) == 0) {
      (void)step(Action::kDelete, budget);
    }
    for (BurstRecord& b : log_.bursts) {
      if (now_ >= b.start_timestamp && now_ < b.end_timestamp && seq_ != before) {
        if (b.first_seq == 0) b.first_seq = before + 1;
        b.last_seq = seq_;
      }
    }
  }
  std::erase_if(log_.halts, [](const HaltRecord& r) { return r.symbol == kNoSymbol; });
  report_.flow_messages = seq_ - first_seq + 1;
  report_.flow_last_timestamp = now_;
}

std::uint32_t ScenarioGenerator::step(Action action, std::uint64_t budget) {
  switch (action) {
    case Action::kAdd: return do_add(false);
    case Action::kAddAttributed: return do_add(true);
    case Action::kDelete: return do_delete();
    case Action::kReplace: return do_replace();
    case Action::kExecute: return do_execute(false, budget);
    case Action::kExecuteWithPrice: return do_execute(true, budget);
    case Action::kCancel: return do_cancel();
    case Action::kHiddenTrade: return do_hidden_trade();
  }
  return 0;
}

std::uint32_t ScenarioGenerator::draw_symbol() {
  // Drawn one ahead so that the next book's touch can be fetched while this one is used.
  const std::uint32_t s = lookahead_symbol_;
  lookahead_symbol_ = universe_.draw(flow_rng_);
  const SymbolBook& next = books_.book(lookahead_symbol_);
  __builtin_prefetch(&next.best_bid);
  return s;
}

std::uint32_t ScenarioGenerator::tradable_symbol() {
  for (int i = 0; i < kRetries; ++i) {
    const std::uint32_t s = draw_symbol();
    if (active_halts_ == 0 || !books_.book(s).halted) return s;
  }
  const std::uint32_t start = draw_symbol();
  for (std::uint32_t k = 0; k < universe_.size(); ++k) {
    const std::uint32_t s = (start + k) % universe_.size();
    if (!books_.book(s).halted) return s;
  }
  return kNoSymbol;
}

bool ScenarioGenerator::place(std::uint32_t symbol, Side side, std::uint8_t& level) {
  const SymbolBook& b = books_.book(symbol);
  constexpr int kTop = static_cast<int>(SymbolUniverse::kLevels) - 1;
  constexpr int kCentre = static_cast<int>(SymbolUniverse::kLevels) / 2;
  int chosen = 0;
  if (side == Side::kBuy) {
    const int ceiling = b.has_ask() ? b.best_ask - 1 : kTop;
    if (ceiling < 0) return false;
    int reference;
    if (b.has_bid()) {
      const double improve = b.best_bid < kCentre ? kImproveTowardCentre : kImproveAwayFromCentre;
      if (ceiling > b.best_bid && flow_rng_.chance32(probability32(improve))) {
        level = static_cast<std::uint8_t>(flow_rng_.between(b.best_bid + 1, std::min(ceiling, b.best_bid + kMaxImprovement)));
        return true;
      }
      reference = b.best_bid;
    } else if (b.has_ask()) {
      reference = b.best_ask - 1 - static_cast<int>(depth_.sample(flow_rng_));
    } else {
      reference = b.anchor - 1;
    }
    chosen = std::clamp(reference - static_cast<int>(depth_.sample(flow_rng_)), 0, ceiling);
  } else {
    const int floor = b.has_bid() ? b.best_bid + 1 : 0;
    if (floor > kTop) return false;
    int reference;
    if (b.has_ask()) {
      const double improve = b.best_ask > kCentre ? kImproveTowardCentre : kImproveAwayFromCentre;
      if (floor < b.best_ask && flow_rng_.chance32(probability32(improve))) {
        level = static_cast<std::uint8_t>(flow_rng_.between(std::max(floor, b.best_ask - kMaxImprovement), b.best_ask - 1));
        return true;
      }
      reference = b.best_ask;
    } else if (b.has_bid()) {
      reference = b.best_bid + 1 + static_cast<int>(depth_.sample(flow_rng_));
    } else {
      reference = b.anchor + 1;
    }
    chosen = std::clamp(reference + static_cast<int>(depth_.sample(flow_rng_)), floor, kTop);
  }
  level = static_cast<std::uint8_t>(chosen);
  return true;
}

std::uint32_t ScenarioGenerator::draw_shares() {
  // Mostly round lots of 100, a fifth odd lots (NASDAQ shows odd-lot orders in full).
  const std::uint64_t r = flow_rng_.below(100);
  if (r < 22) return static_cast<std::uint32_t>(flow_rng_.between(1, kRoundLot - 1));
  if (r < 60) return kRoundLot;
  if (r < 72) return 2 * kRoundLot;
  if (r < 78) return 3 * kRoundLot;
  if (r < 84) return 5 * kRoundLot;
  if (r < 88) return 10 * kRoundLot;
  return kRoundLot * static_cast<std::uint32_t>(flow_rng_.between(4, 50));
}

void ScenarioGenerator::track_new_order(std::uint32_t index) {
  expiries_.push(index, now_ + lifetime_ns_.sample(flow_rng_));
  const std::uint64_t live = books_.live_count();
  if (live > report_.live_orders_peak) report_.live_orders_peak = live;
}

bool ScenarioGenerator::victim_available() {
  const bool forced = books_.live_count() >= force_threshold_;
  while (!expiries_.empty()) {
    const LifetimeQueue::Entry& e = expiries_.top();
    // Nothing below the top ends earlier: no need to look at the order (a cache miss).
    if (e.deadline > now_ && !forced) return false;
    if (!books_.removed(e.order)) return true;
    books_.release(e.order);  // executed earlier; its slot was kept for this entry
    expiries_.pop();
  }
  return false;
}

std::uint32_t ScenarioGenerator::pop_expiring() {
  while (!expiries_.empty()) {
    const LifetimeQueue::Entry e = expiries_.top();
    expiries_.pop();
    // The next death is a few messages away: start fetching its order now.
    const std::uint32_t next = expiries_.heap_top_order();
    if (next != LifetimeQueue::kNone) __builtin_prefetch(&books_.order(next));
    if (books_.removed(e.order)) {
      books_.release(e.order);
      continue;
    }
    if (e.deadline > now_) ++report_.deaths_forced;
    return e.order;
  }
  return kNoOrder;
}

void ScenarioGenerator::record_end_of_life(const Order& o, bool by_lifetime) {
  if (!by_lifetime) return;
  const std::uint64_t age = now_ - o.added_at;
  std::size_t bucket = 0;
  while (bucket < scaled_bounds_.size() && age >= scaled_bounds_[bucket]) ++bucket;
  ++report_.lifetimes[bucket];
}

double ScenarioGenerator::solve_lifetime_scale(double flow_seconds, double flow_rate) const {
  // Live orders at the end of the flow, by Little's law with the run's finite length:
  // births per second times the mean of min(lifetime * scale, flow length). Solved for the
  // scale by bisection (in log space) so that it equals the target.
  const MessageMix& m = config_.mix;
  const double flow_weight = m.add + m.add_attributed + m.delete_order + m.replace + m.execute +
                             m.execute_with_price + m.cancel + m.hidden_trade;
  const double births_per_second = flow_rate * (m.add + m.add_attributed + m.replace) / flow_weight;
  const double horizon = flow_seconds * kNanosPerSecond;
  auto live_at_end = [&](double scale) {
    double sum = 0.0;
    for (std::uint32_t j = 0; j < QuantileTable::kPoints; ++j) {
      const double mid = 0.5 * (static_cast<double>(profile_ns_.at_quantile_point(j)) +
                                static_cast<double>(profile_ns_.at_quantile_point(j + 1)));
      sum += std::min(mid * scale, horizon);
    }
    return births_per_second * sum / QuantileTable::kPoints / kNanosPerSecond;
  };
  const double target = static_cast<double>(live_target_) / kLittleEfficiency;
  double low = kScaleLow, high = kScaleHigh;
  if (live_at_end(high) <= target) return high;
  for (int i = 0; i < kScaleBisections; ++i) {
    const double mid = std::sqrt(low * high);
    (live_at_end(mid) < target ? low : high) = mid;
  }
  return std::sqrt(low * high);
}

std::uint32_t ScenarioGenerator::do_add(bool attributed) {
  if (books_.full()) return 0;
  const std::uint32_t symbol = tradable_symbol();
  if (symbol == kNoSymbol) return 0;
  Side side = (flow_rng_.next() & 1) != 0 ? Side::kSell : Side::kBuy;
  std::uint8_t level = 0;
  if (!place(symbol, side, level)) {
    side = side == Side::kBuy ? Side::kSell : Side::kBuy;
    if (!place(symbol, side, level)) return 0;
  }
  const std::uint32_t shares = draw_shares();
  next_reference_ += flow_rng_.between(1, 4);  // refs rise with gaps, as orders of other books take some
  const std::uint32_t index = books_.add(static_cast<std::uint16_t>(symbol), side, level, shares, next_reference_, now_);
  track_new_order(index);
  const SymbolInfo& s = universe_[symbol];
  const char bs = side == Side::kBuy ? 'B' : 'S';
  const std::uint32_t price = universe_.price_at(symbol, level);
  if (attributed) {
    auto& m = start_message<AddOrderMpid>(scratch_, s.locate, now_);
    m.order_reference_number.set(next_reference_);
    set_char(m.buy_sell_indicator, bs);
    m.shares.set(shares);
    m.stock.set(stock_view(s.stock));
    m.price.set(price);
    m.attribution.set(kMpids[flow_rng_.below(kMpidCount)]);
    emit(sizeof m);
  } else {
    auto& m = start_message<AddOrder>(scratch_, s.locate, now_);
    m.order_reference_number.set(next_reference_);
    set_char(m.buy_sell_indicator, bs);
    m.shares.set(shares);
    m.stock.set(stock_view(s.stock));
    m.price.set(price);
    emit(sizeof m);
  }
  return 1;
}

std::uint32_t ScenarioGenerator::do_delete() {
  const std::uint32_t index = pop_expiring();
  if (index == kNoOrder) return 0;
  const Order& o = books_.order(index);
  record_end_of_life(o, true);
  auto& m = start_message<OrderDelete>(scratch_, universe_[o.symbol].locate, now_);
  m.order_reference_number.set(o.reference);
  books_.remove(index);
  books_.release(index);
  emit(sizeof m);
  return 1;
}

std::uint32_t ScenarioGenerator::do_replace() {
  const std::uint32_t index = pop_expiring();
  if (index == kNoOrder) return 0;
  const Order old = books_.order(index);
  record_end_of_life(old, true);
  books_.remove(index);
  books_.release(index);
  const SymbolInfo& s = universe_[old.symbol];
  std::uint8_t level = 0;
  // A halted book takes no new orders; the order is just cancelled.
  if (books_.book(old.symbol).halted || !place(old.symbol, old.side, level)) {
    auto& d = start_message<OrderDelete>(scratch_, s.locate, now_);
    d.order_reference_number.set(old.reference);
    emit(sizeof d);
    return 1;
  }
  const std::uint32_t shares = flow_rng_.chance32(probability32(kReplaceKeepsShares)) ? old.shares : draw_shares();
  next_reference_ += flow_rng_.between(1, 4);
  const std::uint32_t fresh = books_.add(old.symbol, old.side, level, shares, next_reference_, now_);
  track_new_order(fresh);
  auto& m = start_message<OrderReplace>(scratch_, s.locate, now_);
  m.original_order_reference_number.set(old.reference);
  m.new_order_reference_number.set(next_reference_);
  m.shares.set(shares);
  m.price.set(universe_.price_at(old.symbol, level));
  emit(sizeof m);
  return 1;
}

std::uint32_t ScenarioGenerator::do_execute(bool with_price, std::uint64_t budget) {
  std::uint32_t symbol = kNoSymbol;
  for (int i = 0; i < kRetries && symbol == kNoSymbol; ++i) {
    const std::uint32_t s = tradable_symbol();
    if (s == kNoSymbol) return 0;
    const SymbolBook& b = books_.book(s);
    if (b.has_bid() || b.has_ask()) symbol = s;
  }
  if (symbol == kNoSymbol) return 0;
  SymbolBook& b = books_.book(symbol);
  // The aggressor's side is random; it takes the other side's touch, oldest order first.
  Side resting = (flow_rng_.next() & 1) != 0 ? Side::kSell : Side::kBuy;
  if (resting == Side::kBuy ? !b.has_bid() : !b.has_ask()) resting = resting == Side::kBuy ? Side::kSell : Side::kBuy;
  const std::uint16_t locate = universe_[symbol].locate;
  std::uint32_t emitted = 0;
  for (;;) {
    const int level = resting == Side::kBuy ? b.best_bid : b.best_ask;
    const std::uint32_t index = b.levels[level].head;
    Order& o = books_.order(index);
    const bool full = o.shares == 1 || flow_rng_.chance32(probability32(kFullFill));
    const std::uint32_t shares = full ? o.shares : static_cast<std::uint32_t>(flow_rng_.between(1, o.shares - 1));
    if (with_price) {
      auto& m = start_message<OrderExecutedWithPrice>(scratch_, locate, now_);
      m.order_reference_number.set(o.reference);
      m.executed_shares.set(shares);
      m.match_number.set(next_match_++);
      set_char(m.printable, flow_rng_.chance32(probability32(kNonPrintable)) ? 'N' : 'Y');
      m.execution_price.set(universe_.price_at(symbol, static_cast<std::uint32_t>(level)));
    } else {
      auto& m = start_message<OrderExecuted>(scratch_, locate, now_);
      m.order_reference_number.set(o.reference);
      m.executed_shares.set(shares);
      m.match_number.set(next_match_++);
    }
    if (full) {
      books_.remove(index);  // released when its lifetime entry surfaces
    } else {
      o.shares -= shares;
    }
    emit(with_price ? sizeof(OrderExecutedWithPrice) : sizeof(OrderExecuted));
    ++emitted;
    if (with_price || !full || emitted >= budget || !flow_rng_.chance32(probability32(kSweepContinue))) break;
    if (resting == Side::kBuy ? !b.has_bid() : !b.has_ask()) break;
  }
  return emitted;
}

std::uint32_t ScenarioGenerator::do_cancel() {
  const std::uint32_t live = books_.live_count();
  if (live == 0) return 0;
  for (int i = 0; i < kRetries; ++i) {
    Order& o = books_.order(books_.live_at(static_cast<std::uint32_t>(flow_rng_.below(live))));
    if (o.shares < 2) continue;  // X never removes the whole order: that is a D
    const auto cancelled = static_cast<std::uint32_t>(flow_rng_.between(1, o.shares - 1));
    o.shares -= cancelled;
    auto& m = start_message<OrderCancel>(scratch_, universe_[o.symbol].locate, now_);
    m.order_reference_number.set(o.reference);
    m.cancelled_shares.set(cancelled);
    emit(sizeof m);
    return 1;
  }
  return 0;
}

std::uint32_t ScenarioGenerator::do_hidden_trade() {
  const std::uint32_t symbol = tradable_symbol();
  if (symbol == kNoSymbol) return 0;
  const SymbolBook& b = books_.book(symbol);
  // Hidden liquidity trades at or inside the displayed spread.
  int level = b.anchor;
  if (b.has_bid() && b.has_ask()) level = static_cast<int>(flow_rng_.between(b.best_bid, b.best_ask));
  else if (b.has_bid()) level = b.best_bid;
  else if (b.has_ask()) level = b.best_ask;
  const SymbolInfo& s = universe_[symbol];
  auto& m = start_message<Trade>(scratch_, s.locate, now_);
  m.order_reference_number.set(0);  // non-displayed orders are not identified
  set_char(m.buy_sell_indicator, (flow_rng_.next() & 1) != 0 ? 'S' : 'B');
  m.shares.set(draw_shares());
  m.stock.set(stock_view(s.stock));
  m.price.set(universe_.price_at(symbol, static_cast<std::uint32_t>(level)));
  m.match_number.set(next_match_++);
  emit(sizeof m);
  return 1;
}

}  // namespace tickwire::generator
