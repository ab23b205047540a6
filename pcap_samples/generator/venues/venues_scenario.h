// `tickwire generate --venues LIST --out DIR`: one market, several venues. The same
// securities trade on every venue (NASDAQ-, BX- and PSX-like by default), each with its own
// MoldUDP64 session, multicast group, locates and order flow, quoting around one fair value
// per security (market_model.h); episodes are injected into that market and written down.
//
// DIR receives:
//   NAME.pcap          each venue's day
//   episodes.jsonl     the ground truth: venues, the relationships built in, each episode with
//                      its kind, the template meant to see it, its securities, start and end
//   securities.toml    the reference data (sectors, LULD tiers, the ETF's basket)
//   scenario.toml      a config that replays the venues with one pattern per relationship
//
// With `volatility` set the day carries the volatility episodes instead (volatility_plan.h)
// and the exchange's halts they cause (trading_halts.h); episodes.jsonl then lists those
// episodes and every halt, and scenario.toml sets circuit breakers instead of patterns
// (volatility_files.h). One venue is enough for such a day.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcap_samples/generator/scenario_config.h"
#include "pcap_samples/generator/venues/venue_stream.h"
#include "pcap_samples/generator/venues/volatility_plan.h"

namespace tickwire::generator::venues {

struct VenueSpec {
  std::string name;     // the feed's name in scenario.toml, and the file's
  std::string session;  // MoldUDP64 session
  Endpoint group;
  Endpoint source;
  std::uint64_t delay_ns = 0;  // the venue's lag behind the fair value
};

struct VenuesScenario {
  ScenarioConfig transport;  // seed, symbols, date and the packet settings every venue shares
  std::vector<VenueSpec> venues;
  double seconds = 180;        // of continuous trading
  double churn_rate = 2'000;   // background messages per second and venue
  std::uint32_t episodes_per_kind = 2;  // a volatility day: 1 (its episodes) or 0 (a calm day)
  double episode_size = 1.0;  // factor on every episode's size
  std::optional<VolatilitySettings> volatility;  // set: a volatility day
};

// "nasdaq,bx,psx": known names get their sessions and groups, others made-up ones. At least
// `fewest` of them.
[[nodiscard]] std::string parse_venues(std::string_view list, std::vector<VenueSpec>& out, std::size_t fewest = 2);

struct VenuesResult {
  std::vector<VenueStats> venues;
  std::size_t episodes = 0;
  std::size_t securities = 0;
  std::size_t halts = 0;  // a volatility day's H messages other than T, on each venue
};

// Empty on success, else the reason. Creates `dir` if needed.
[[nodiscard]] std::string generate_venues(const VenuesScenario& scenario, const std::string& dir, VenuesResult& result);

}  // namespace tickwire::generator::venues
