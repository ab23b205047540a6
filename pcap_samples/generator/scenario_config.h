// Everything that shapes one generated scenario. Same config (seed included) = same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/sampling.h"

namespace tickwire::generator {

inline constexpr std::uint64_t kNanosPerMicro = 1'000;
inline constexpr std::uint64_t kNanosPerMilli = 1'000'000;
inline constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// Relative weights of the order-flow message types during continuous trading.
//
// Defaults: the per-type counts of NASDAQ's public sample day 10302019.NASDAQ_ITCH50
// (293,989,078 messages), as tabulated in the "Trading Message Frequency" output of
// stefan-jansen/machine-learning-for-trading, notebook
// 02_market_and_fundamental_data/01_NASDAQ_TotalView-ITCH_Order_Book/
// 01_parse_itch_order_flow_messages.ipynb: A 127,214,649; D 123,296,742; U 25,513,651;
// E 7,316,703; I 3,740,140; X 3,568,735; P 1,525,363; F 1,423,908; L 214,865; C 129,729;
// Q 17,775; Y 9,025; H 8,897; R 8,887; S 6; J 2; V 1; B 1. The weights below are those
// counts in units of 0.01% of the day.
struct MessageMix {
  double add = 43.27;                // A
  double add_attributed = 0.48;      // F
  double delete_order = 41.94;       // D
  double replace = 8.68;             // U
  double execute = 2.49;             // E
  double execute_with_price = 0.044; // C
  double cancel = 1.21;              // X (partial)
  double hidden_trade = 0.52;        // P
  // Shares of all messages outside continuous trading, same source: NOII before the
  // crosses, market-participant positions in the start-of-day directory.
  double noii = 1.27;                // I
  double participant_position = 0.073;  // L
};

// Order lifetimes (time from add to delete/replace), as log-uniform segments in seconds.
//
// Shaped after the SEC's "The Speed of the Equity Markets" (Oct. 9, 2013, quote lifetimes
// of Q2 2013): fewer than 8% of cancellations within 500 us, no more than a quarter within
// 50 ms, more than 60% after 0.5 s, more than a third of orders alive after 5 s and nearly
// all gone within 10 minutes; and after Hasbrouck and Saar ("Technology and Liquidity
// Provision", 2007, INET): over a third of non-marketable limit orders cancelled within
// 2 s. The last segment is the long-lived share that rests for hours (the knob that fills
// books for benchmarks).
struct LifetimeProfile {
  std::vector<LogSegment> segments = {
      {20e-6, 500e-6, 0.07}, {500e-6, 50e-3, 0.17}, {50e-3, 0.5, 0.13},
      {0.5, 2.0, 0.08},      {2.0, 5.0, 0.10},      {5.0, 60.0, 0.25},
      {60.0, 600.0, 0.18},   {600.0, 23400.0, 0.02},
  };
  // Replaces the probability of the last (long-lived) segment, scaling the others to fit.
  void set_long_lived_share(double share);
};

// A window of exchange time in which the flow runs `multiplier` times faster.
struct Burst {
  double start_seconds = 0;     // after the flow starts (just after the opening cross)
  double duration_seconds = 0;
  double multiplier = 1;
};

struct Endpoint {
  std::uint32_t ip = 0;  // host byte order
  std::uint16_t port = 0;
};

// Per-data-packet probabilities of each packet fault, applied independently on each line.
struct FaultRates {
  double gap = 0;        // this and the next 0..gap_extra_packets packets are lost
  double duplicate = 0;  // the packet is sent twice
  double reorder = 0;    // the packet is delayed by 1..reorder_max_delay packets
  double truncate = 0;   // the datagram is cut short inside a message block
  double corrupt = 0;    // bad IPv4 header checksum, or a block length that overruns
  std::uint32_t gap_extra_packets = 2;
  std::uint32_t reorder_max_delay = 4;
  [[nodiscard]] bool any() const noexcept {
    return gap > 0 || duplicate > 0 || reorder > 0 || truncate > 0 || corrupt > 0;
  }
};

struct CalendarDate {
  int year = 2026;
  int month = 11;
  int day = 24;
};

struct ScenarioConfig {
  std::uint64_t seed = 1;
  // The listed securities (tickers, locates, reference prices) drawn from this seed instead
  // (0: from `seed`): venues generated with one universe seed and their own seeds list the
  // same securities at the same prices, with order flow of their own.
  std::uint64_t universe_seed = 0;
  std::uint64_t messages = 1'000'000;  // every ITCH message of the day, S to S
  std::uint32_t symbols = 500;
  double rate = 50'000;  // order-flow messages per second of exchange time
  double zipf_exponent = 1.1;
  MessageMix mix;
  LifetimeProfile lifetimes;
  // Live orders the books should hold by the end of the flow (0: 125 per symbol, at most
  // messages / 20, at least 256). Lifetimes are scaled (see lifetime_scale) so that the
  // flow reaches it through its own adds and deletes; the order pool is sized from it once,
  // nothing grows while generating, and above 110% of it deletes no longer wait for
  // lifetimes to end.
  std::uint64_t live_orders_target = 0;
  // Factor applied to every lifetime of the profile. 0: chosen so that the live-order
  // target is met (a compressed day compresses lifetimes with it).
  double lifetime_scale = 0;

  std::uint32_t halts = 0;
  std::vector<Burst> bursts;
  std::uint32_t timestamp_anomalies = 0;

  CalendarDate date;

  // Transport (pcap output only).
  std::string session = "TICKWIRE01";
  Endpoint source{0x0A010101, 26400};      // 10.1.1.1
  Endpoint line_a{0xE9360C6F, 26477};      // 233.54.12.111, as NASDAQ's own captures
  bool line_b_enabled = false;
  Endpoint line_b{0xE9360D6F, 26477};      // 233.54.13.111
  std::uint64_t line_b_skew_ns = 3 * kNanosPerMicro;
  std::uint32_t max_payload = 1472;        // UDP payload bytes (Ethernet MTU 1500)
  std::uint64_t coalesce_window_ns = 5 * kNanosPerMicro;
  std::uint64_t wire_latency_ns = 18 * kNanosPerMicro;
  std::uint64_t heartbeat_interval_ns = kNanosPerSecond;  // 0: no heartbeats
  bool end_of_session = true;
  FaultRates faults;

  [[nodiscard]] std::uint64_t effective_live_target() const noexcept;
};

// Empty when the config is usable, else the reason (naming the field).
[[nodiscard]] std::string validate(const ScenarioConfig& config);

}  // namespace tickwire::generator
