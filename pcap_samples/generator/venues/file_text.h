// Text the venues generator writes beside its captures (episodes.jsonl, securities.toml,
// scenario.toml): JSON and TOML fragments, prices and addresses as people read them, and the
// file write itself. Shared by the pattern days and the volatility days.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/scenario_config.h"
#include "pcap_samples/generator/venues/market_model.h"
#include "pcap_samples/generator/venues/venues_scenario.h"

namespace tickwire::generator::venues {

[[nodiscard]] std::string endpoint_text(const Endpoint& e);
// A Price(4) as dollars with four decimals ("123.4500", "-0.0100").
[[nodiscard]] std::string price4_text(std::int64_t v);
// A Price(8) as eight decimals.
[[nodiscard]] std::string price8_text(std::uint64_t v);
// The symbols of `ids` as a JSON array (names_json) or a TOML array (names_toml).
[[nodiscard]] std::string names_json(const MarketModel& model, const std::vector<std::uint32_t>& ids);
[[nodiscard]] std::string names_toml(const MarketModel& model, const std::vector<std::uint32_t>& ids);
// episodes.jsonl's line for one venue: its feed, file, session, group and what it sent.
[[nodiscard]] std::string venue_jsonl(const VenueSpec& spec, const VenueStats& stats);
// A TOML basic string (a directory may hold quotes or backslashes).
[[nodiscard]] std::string toml_string(const std::string& text);
// Empty on success, else why not.
[[nodiscard]] std::string write_text(const std::string& path, const std::string& text);

}  // namespace tickwire::generator::venues
