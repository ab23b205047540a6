// One venue of a multi-venue scenario: its own directory (locates in an order of its own),
// its own order references and match numbers, and a quoting book per security that follows
// the market model: kDepth price levels a side, one order each, two ticks wide at the touch.
// When the venue's quote moves, the orders that no longer fit are replaced (U) onto the
// prices that lack one, the rest deleted (D) or added (A); the side moving away from the
// other goes first, so the venue's own book never crosses. Trades (E) take the touch now
// and then, and background churn refreshes the deeper levels (D then A) at a configured
// rate. Every message of one security's requote carries one timestamp, so a reader sees
// the quote move as one step.
//
// On a volatility day (set_volatility) the venue also prints the day's market-wide circuit
// breaker levels (V) before the open, builds its books before the open rather than in the
// open's first step, prints the halts of trading_halts.h as they come (H, W, and J when it is
// the listing venue), sends nothing for a security while it is stopped, and multiplies its
// flow by the step's flow factor with extra churn on the deeper levels of the securities
// it quotes (so a burst moves no price).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/message_sink.h"
#include "pcap_samples/generator/rng.h"
#include "pcap_samples/generator/venues/market_model.h"
#include "pcap_samples/generator/venues/trading_halts.h"

namespace tickwire::generator::venues {

struct VenueStats {
  std::uint64_t messages = 0;
  std::uint64_t requotes = 0;
  std::uint64_t trades = 0;
};

class VenueStream {
 public:
  static constexpr std::size_t kDepth = 3;
  static constexpr std::int64_t kSpreadTicks = 2;

  // `locates[i]`: this venue's locate of security i. `delay_ns`: how long after the fair
  // value moves this venue's matching engine shows it.
  VenueStream(std::uint32_t index, const MarketModel& model, std::vector<std::uint16_t> locates, std::uint64_t delay_ns,
              double churn_per_second, std::uint64_t seed, MessageSink& sink);

  // A volatility day: `halts` decides the stops (outlives the stream); the listing venue
  // also prints the LULD auction collars. Before open_day.
  void set_volatility(const TradingHalts* halts, bool listing) noexcept;
  // Messages sent this step over the usual flow (1: the usual); before on_step.
  void set_flow_factor(double factor) noexcept { flow_factor_ = factor; }

  void open_day();                 // system events, directory, trading states
  void on_step(std::uint64_t k);   // after the model took step k (and the halts theirs)
  void close_day(std::uint64_t after_ns);

  [[nodiscard]] const VenueStats& stats() const noexcept { return stats_; }

 private:
  struct Resting {
    std::int64_t ticks = 0;
    std::uint64_t reference = 0;  // 0: no order
    std::uint32_t shares = 0;
  };
  using Side = std::array<Resting, kDepth>;
  struct Book {
    Side bids{};
    Side asks{};
  };

  [[nodiscard]] static bool full(const Side& side) noexcept;
  void quote(std::uint32_t i, std::uint64_t ts);
  void requote_side(std::uint32_t i, Side& side, bool buy, std::int64_t top, std::uint64_t ts);
  void trade(std::uint32_t i, std::uint64_t ts);
  bool churn(std::uint32_t i, std::uint64_t ts);  // false: nothing to churn there
  void extra_churn(std::uint32_t i, std::uint64_t ts, std::uint64_t usual_messages);
  void print(const HaltNotice& notice, std::uint64_t ts);
  void print_mwcb_levels(std::uint64_t ts);
  void add(std::uint32_t i, bool buy, Resting& r, std::uint64_t ts);
  void remove(std::uint32_t i, Resting& r, std::uint64_t ts);
  void replace(std::uint32_t i, Resting& from, Resting& to, std::uint64_t ts);
  void system_event(char code, std::uint64_t ts);
  void emit(std::size_t length, std::uint64_t ts);
  [[nodiscard]] std::uint32_t draw_shares();

  std::uint32_t index_;
  const MarketModel& model_;
  std::vector<std::uint16_t> locates_;
  std::uint64_t delay_ns_;
  double churn_per_step_;  // per security
  Rng rng_;
  MessageSink& sink_;
  std::vector<Book> books_;
  std::uint64_t next_reference_ = 1;
  std::uint64_t next_match_ = 1;
  std::uint64_t last_ts_ = 0;
  const TradingHalts* halts_ = nullptr;
  bool listing_ = false;
  double flow_factor_ = 1;
  double extra_owed_ = 0;  // messages the flow factor asks for and churn has not sent yet
  alignas(8) std::uint8_t scratch_[64];
  VenueStats stats_;
};

}  // namespace tickwire::generator::venues
