// The deterministic NASDAQ TotalView-ITCH 5.0 day: system events, stock directory, opening
// and closing crosses with NOII before them, and between them an order flow driven by an
// internal book model so that every reference is valid and no book ever crosses.
//
// Usage: create() with a config, run() once with a sink; report() and injections() then
// describe what was produced. run() allocates nothing per message: pools are sized in
// create().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pcap_samples/generator/lifetime_queue.h"
#include "pcap_samples/generator/message_encoder.h"
#include "pcap_samples/generator/message_sink.h"
#include "pcap_samples/generator/order_book.h"
#include "pcap_samples/generator/rng.h"
#include "pcap_samples/generator/sampling.h"
#include "pcap_samples/generator/scenario_config.h"
#include "pcap_samples/generator/symbol_universe.h"

namespace tickwire::generator {

// Upper bounds (exclusive) of the lifetime buckets of ended orders, in lifetime-profile
// time (a realised lifetime divided by the lifetime scale); the last bucket is open.
inline constexpr std::array<std::uint64_t, 7> kLifetimeBucketBounds = {
    500 * kNanosPerMicro, 50 * kNanosPerMilli, 500 * kNanosPerMilli, 2 * kNanosPerSecond,
    5 * kNanosPerSecond, 60 * kNanosPerSecond, 600 * kNanosPerSecond};
inline constexpr std::size_t kLifetimeBuckets = kLifetimeBucketBounds.size() + 1;

struct GenerationReport {
  std::uint64_t messages = 0;
  std::array<std::uint64_t, 256> by_type{};  // indexed by the type byte
  std::uint64_t flow_messages = 0;           // continuous trading, halts included
  std::uint64_t noii_messages = 0;
  std::uint64_t flow_first_timestamp = 0;
  std::uint64_t flow_last_timestamp = 0;
  double flow_rate = 0;  // messages per second actually used (raised if the day was too short)
  std::uint64_t live_orders_target = 0;
  std::uint64_t live_orders_peak = 0;
  std::uint64_t live_orders_at_end = 0;
  double lifetime_scale = 1;
  // Orders that ended by D or U, by lifetime (profile time, see kLifetimeBucketBounds).
  std::array<std::uint64_t, kLifetimeBuckets> lifetimes{};
  std::uint64_t deaths_deferred = 0;  // D/U drawn before any lifetime had ended: an add first
  std::uint64_t deaths_forced = 0;    // D/U of an order whose lifetime had not ended (books full)
};

struct HaltRecord {
  std::uint32_t symbol = 0;
  std::uint16_t locate = 0;
  char stock[8];
  char state = 'H';
  char reason[4];
  std::uint64_t start_timestamp = 0;
  std::uint64_t end_timestamp = 0;
  std::uint64_t start_seq = 0;  // sequence numbers of the two H messages
  std::uint64_t end_seq = 0;
};

struct BurstRecord {
  std::uint64_t start_timestamp = 0;
  std::uint64_t end_timestamp = 0;
  double multiplier = 1;
  std::uint64_t first_seq = 0;  // 0 when no message fell inside
  std::uint64_t last_seq = 0;
};

struct TimestampAnomalyRecord {
  std::uint64_t seq = 0;
  bool forward = false;
  std::uint64_t expected_timestamp = 0;  // what the message would have carried
  std::uint64_t written_timestamp = 0;
};

// What the generator injected into the message stream itself (packet faults are the
// pcap writer's).
struct InjectionLog {
  std::vector<HaltRecord> halts;
  std::vector<BurstRecord> bursts;
  std::vector<TimestampAnomalyRecord> anomalies;
};

class ScenarioGenerator {
 public:
  // Null with `error` set when the config is invalid or too small for its own fixed part.
  [[nodiscard]] static std::unique_ptr<ScenarioGenerator> create(const ScenarioConfig& config, std::string& error);

  void run(MessageSink& sink);

  [[nodiscard]] const ScenarioConfig& config() const noexcept { return config_; }
  [[nodiscard]] const GenerationReport& report() const noexcept { return report_; }
  [[nodiscard]] const InjectionLog& injections() const noexcept { return log_; }
  [[nodiscard]] const SymbolUniverse& symbols() const noexcept { return universe_; }

 private:
  enum class Action : std::uint8_t {
    kAdd, kAddAttributed, kDelete, kReplace, kExecute, kExecuteWithPrice, kCancel, kHiddenTrade,
  };
  static constexpr std::size_t kActionCount = 8;

  struct HaltPlan {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::uint32_t symbol = 0;
    std::size_t record = 0;
    bool started = false;
    bool ended = false;
  };

  ScenarioGenerator(const ScenarioConfig& config, std::uint64_t live_target);
  [[nodiscard]] std::string plan();

  // Phases of the day.
  void emit_system_event(char code, std::uint64_t timestamp);
  void emit_directory();
  void emit_noii(std::uint64_t count, std::uint64_t from, std::uint64_t to, char cross_type);
  void emit_crosses(std::uint64_t at, char cross_type);
  void run_flow();

  // One step of the flow; returns the messages it emitted (0 when it could not act).
  std::uint32_t step(Action action, std::uint64_t budget);
  std::uint32_t do_add(bool attributed);
  std::uint32_t do_delete();
  std::uint32_t do_replace();
  std::uint32_t do_execute(bool with_price, std::uint64_t budget);
  std::uint32_t do_cancel();
  std::uint32_t do_hidden_trade();
  void advance_clock();
  void run_halt_events(std::uint64_t up_to, bool force_end);

  [[nodiscard]] std::uint32_t tradable_symbol();  // not halted, or kNoSymbol
  [[nodiscard]] std::uint32_t draw_symbol();
  [[nodiscard]] bool place(std::uint32_t symbol, Side side, std::uint8_t& level);
  [[nodiscard]] std::uint32_t draw_shares();
  [[nodiscard]] std::uint32_t pop_expiring();
  [[nodiscard]] bool victim_available();  // an order's lifetime has ended, or books are full
  [[nodiscard]] double solve_lifetime_scale(double flow_seconds, double flow_rate) const;
  void track_new_order(std::uint32_t index);
  void record_end_of_life(const Order& o, bool by_lifetime);
  void emit(std::size_t length);

  static constexpr std::uint32_t kNoSymbol = 0xFFFFFFFFu;

  ScenarioConfig config_;
  Rng symbol_rng_;
  Rng flow_rng_;
  Rng schedule_rng_;
  SymbolUniverse universe_;
  BookModel books_;
  LifetimeQueue expiries_;
  AliasTable actions_;
  AliasTable depth_;
  QuantileTable profile_ns_;   // lifetimes as profiled
  QuantileTable lifetime_ns_;  // scaled: what orders get
  QuantileTable exponential_;  // Exp(1) in units of 1/kExpScale
  std::uint64_t live_target_;
  std::uint64_t force_threshold_;  // live orders above which deletes need not wait
  std::array<std::uint64_t, kLifetimeBucketBounds.size()> scaled_bounds_{};

  // Plan of the day.
  std::uint64_t participant_messages_ = 0;
  std::uint64_t noii_open_ = 0;
  std::uint64_t noii_close_ = 0;
  std::uint64_t flow_budget_ = 0;
  std::uint64_t mean_gap_scaled_ = 0;  // nanoseconds * kExpScale
  std::vector<HaltPlan> halt_plan_;
  std::vector<std::uint32_t> nasdaq_listed_;  // symbols that get NOII
  std::vector<std::uint64_t> anomaly_seqs_;  // sorted
  std::size_t next_anomaly_ = 0;

  // Running state.
  MessageSink* sink_ = nullptr;
  alignas(64) std::uint8_t scratch_[kMaxItchMessage];
  std::uint64_t now_ = 0;
  std::uint64_t last_written_timestamp_ = 0;
  std::uint64_t next_reference_ = 0;
  std::uint64_t next_match_ = 1;
  std::uint64_t seq_ = 0;
  std::uint64_t owed_deletes_ = 0;  // deaths deferred, to be paid back when lifetimes end
  std::uint64_t owed_replaces_ = 0;
  std::uint32_t active_halts_ = 0;
  std::uint64_t unstarted_halts_ = 0;
  std::uint64_t next_halt_event_ = ~std::uint64_t{0};
  std::uint32_t lookahead_symbol_ = 0;
  GenerationReport report_;
  InjectionLog log_;
};

}  // namespace tickwire::generator
