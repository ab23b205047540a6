// What a volatility day writes beside its captures:
//
// episodes.jsonl, one flat JSON object a line (strings, integers, arrays of strings; decimals
// as strings, as the other sidecars write them):
//   scenario     seed, securities, seconds, episode_size, burst_factor, the flow's start and
//                end, calm_gap_ns, pause_ns, halt_ns; the first venue's messages per second
//                outside the episodes (normal_rate) and over its busiest 50 ms there
//                (quiet_peak_rate)
//   venue        one a venue (feed, file, session, group, messages, trades)
//   mwcb_levels  the day's V message: the index's base and its three levels
//   episode      id, kind, stocks (the securities it moves; all for open_burst and
//                market_decline), derived (moved through a basket), start_ns, end_ns (the
//                end of the move or of the last halt it caused), calm_ns (the recovery done;
//                quiet from there to the next episode's start), size (percent, signed),
//                halted (stocks it stopped), peak_rate (the first venue's messages per
//                second over its busiest 50 ms from the start to the reserved end, as the
//                storm breaker counts them); open_burst: rate_factor; sector_flash_crash:
//                sector; market_decline, when the index breached a level: mwcb_level, mwcb_ns,
//                mwcb_resumed_ns
//   halt         each H other than T, after its episode's line: episode, stock, state (P or
//                H), reason, paused_ns and resumed_ns (the H and the T that ended it; 0: not
//                in the flow), and for a pause its J's collar_reference, collar_upper,
//                collar_lower
//
// scenario.toml: the venues as feeds and a starting set of circuit breakers (volatility,
// band and halt per security, message_rate per feed, its trip half way between the day's
// usual rate and the open burst's).
//
// Times are exchange time, ns since midnight, as the messages carry them on a venue without
// delay (nasdaq); another venue shows each its delay later.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/venues/market_model.h"
#include "pcap_samples/generator/venues/trading_halts.h"
#include "pcap_samples/generator/venues/venues_scenario.h"
#include "pcap_samples/generator/venues/volatility_plan.h"
#include "pcap_samples/generator/venues/volatility_rates.h"

namespace tickwire::generator::venues {

struct VolatilityDay {
  const VenuesScenario& scenario;
  const MarketModel& model;
  const VolatilityPlan& plan;
  const TradingHalts& halts;
  const VolatilityRates& rates;
  const std::vector<VenueStats>& stats;
  std::uint64_t flow_start_ns;
  std::uint64_t flow_end_ns;
};

[[nodiscard]] std::string volatility_episodes_jsonl(const VolatilityDay& day);
[[nodiscard]] std::string volatility_scenario_toml(const VolatilityDay& day, const std::string& dir);

// The storm breaker's trip: half way between the usual rate and the open burst's, rounded to
// a hundred messages per second.
[[nodiscard]] std::uint64_t storm_trip(double normal_rate, double burst_factor) noexcept;

}  // namespace tickwire::generator::venues
