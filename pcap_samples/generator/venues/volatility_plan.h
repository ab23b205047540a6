// The episodes of a volatility day (`tickwire generate --venues ... --volatility`), planned
// before the first step: their kinds, securities and times, and what each does to the market
// model at time t. In order through the day, each followed by a calm stretch:
//
//   open_burst          right after the open, every venue sends `burst_factor` times its
//                       messages (extra churn on the deeper levels); prices as usual
//   single_stock_shock  one security's fair value jumps within a few ms and stays there
//   sector_flash_crash  every security of one sector falls within a second, holds, then
//                       takes back part of the fall
//   market_decline      every security falls together over seconds, holds, then takes back
//                       part of it
//
// The plan moves fair values only. The halts those moves cause (LULD pauses, the market-wide
// circuit breaker) follow from the rules in trading_halts.h, so a halt is where the price
// reaching a band puts it, not where a script says.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "pcap_samples/generator/scenario_config.h"
#include "pcap_samples/generator/venues/market_model.h"

namespace tickwire::generator::venues {

enum class VolatilityKind : std::uint8_t { kOpenBurst, kSingleStockShock, kSectorFlashCrash, kMarketDecline };
inline constexpr std::size_t kVolatilityKinds = 4;
inline constexpr std::array<const char*, kVolatilityKinds> kVolatilityKindNames = {
    "open_burst", "single_stock_shock", "sector_flash_crash", "market_decline"};

struct VolatilitySettings {
  // generate_venues fills these two from the scenario's --episodes and --episode-size.
  bool episodes = true;     // false: a calm day, nothing injected
  double episode_size = 1;  // factor on every move (the burst's factor is its own)
  double burst_factor = 5;  // the open burst's messages over the usual
  std::uint64_t burst_after_open_ns = 1 * kNanosPerSecond;
  std::uint64_t burst_ns = 5 * kNanosPerSecond;
  // Quiet time between one episode's end (its recovery, its last resumption) and the next's
  // start: breakers opened by one episode should have closed before the next begins.
  std::uint64_t calm_gap_ns = 15 * kNanosPerSecond;
  std::uint64_t pause_ns = 5 * kNanosPerSecond;  // a LULD trading pause (real ones: 5 minutes)
  std::uint64_t halt_ns = 10 * kNanosPerSecond;  // a market-wide halt (real ones: 15 minutes)
  std::uint64_t crash_ns = 1 * kNanosPerSecond;  // the flash crash's fall
  std::uint64_t decline_ns = 10 * kNanosPerSecond;
  std::uint64_t recovery_ns = 5 * kNanosPerSecond;  // the partial recovery after a crash or a decline
};

struct VolatilityEpisode {
  VolatilityKind kind = VolatilityKind::kOpenBurst;
  std::vector<std::uint32_t> securities;  // the ones it moves (open_burst, market_decline: all)
  std::vector<std::uint32_t> derived;     // priced off those (the ETF through its basket)
  int sector = -1;                        // sector_flash_crash's
  std::uint64_t start_ns = 0;             // onset, exchange time (ns since midnight)
  std::uint64_t move_end_ns = 0;          // the burst's or the move's end
  std::uint64_t recovery_start_ns = 0;    // 0: no recovery (the move stays)
  std::uint64_t recovery_end_ns = 0;
  // Until when halts this episode may cause can last; the next episode starts a calm gap later.
  std::uint64_t reserved_until_ns = 0;
  double size_percent = 0;  // signed; each moved security moves by this much
};

class VolatilityPlan {
 public:
  // Empty when a flow of `flow_ns` fits the settings' episodes, else why not.
  [[nodiscard]] static std::string check(const VolatilitySettings& settings, std::uint64_t flow_ns);
  // The flow a day needs for its episodes and a calm gap after the last.
  [[nodiscard]] static std::uint64_t flow_needed_ns(const VolatilitySettings& settings);

  VolatilityPlan(const VolatilitySettings& settings, const MarketModel& model, std::uint64_t flow_start_ns,
                 std::uint64_t seed);

  // Return offsets of the episodes' securities at time t, written into `offsets` (by
  // security); other securities' entries are left alone.
  void apply(std::uint64_t t, std::span<double> offsets) const noexcept;
  // Messages each venue sends at time t over its usual flow (the open burst's factor, else 1).
  [[nodiscard]] double flow_factor(std::uint64_t t) const noexcept;
  // The episode whose stretch (from its start to its reserved end) holds t; -1: none.
  [[nodiscard]] int episode_at(std::uint64_t t) const noexcept;

  [[nodiscard]] const std::vector<VolatilityEpisode>& episodes() const noexcept { return episodes_; }
  [[nodiscard]] const VolatilitySettings& settings() const noexcept { return settings_; }

 private:
  VolatilitySettings settings_;
  std::vector<VolatilityEpisode> episodes_;
};

}  // namespace tickwire::generator::venues
