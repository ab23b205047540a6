#include "pcap_samples/generator/venues/volatility_files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pcap_samples/generator/venues/file_text.h"

namespace tickwire::generator::venues {

namespace {

constexpr double kRateRounding = 100;  // messages per second
constexpr double kIndexPrice8 = 1e8;

// The episode a time belongs to: the last that started at or before it; -1 before the first.
int episode_at(const std::vector<VolatilityEpisode>& episodes, std::uint64_t t) {
  int found = -1;
  for (std::size_t e = 0; e < episodes.size(); ++e) {
    if (episodes[e].start_ns <= t) found = static_cast<int>(e);
  }
  return found;
}

std::string decimal(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string u64(std::uint64_t v) { return std::to_string(v); }

std::string halt_jsonl(const VolatilityDay& day, const HaltRecord& r, int episode, std::uint64_t flow_end) {
  std::string out = "{\"type\":\"halt\"";
  if (episode >= 0) out += ",\"episode\":" + std::to_string(episode);
  out += ",\"stock\":\"" + day.model.securities()[r.security].symbol + "\",\"state\":\"" + std::string(1, r.state) +
         "\",\"reason\":\"" + std::string(r.reason) + "\",\"paused_ns\":" + u64(r.stopped_ns) +
         ",\"resumed_ns\":" + u64(r.resumed_ns <= flow_end ? r.resumed_ns : 0);
  if (r.collar_reference != 0) {
    out += ",\"collar_reference\":\"" + price4_text(r.collar_reference) + "\",\"collar_upper\":\"" +
           price4_text(r.collar_upper) + "\",\"collar_lower\":\"" + price4_text(r.collar_lower) + "\"";
  }
  return out + "}\n";
}

}  // namespace

std::uint64_t storm_trip(double normal_rate, double burst_factor) noexcept {
  const double halfway = normal_rate * (1 + burst_factor) / 2;
  return static_cast<std::uint64_t>(std::floor(halfway / kRateRounding + 0.5) * kRateRounding);
}

std::string volatility_episodes_jsonl(const VolatilityDay& day) {
  const VolatilitySettings& s = day.plan.settings();
  const auto& episodes = day.plan.episodes();
  const auto& sec = day.model.securities();
  std::vector<std::uint32_t> all(sec.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;

  std::string out = "{\"type\":\"scenario\",\"mode\":\"volatility\",\"seed\":" + u64(day.scenario.transport.seed) +
                    ",\"securities\":" + u64(sec.size()) + ",\"seconds\":\"" +
                    decimal("%.3f", day.scenario.seconds) + "\",\"episode_size\":\"" +
                    decimal("%.3f", day.scenario.episode_size) + "\",\"burst_factor\":\"" +
                    decimal("%.2f", s.burst_factor) + "\",\"flow_start_ns\":" + u64(day.flow_start_ns) +
                    ",\"flow_end_ns\":" + u64(day.flow_end_ns) + ",\"calm_gap_ns\":" + u64(s.calm_gap_ns) +
                    ",\"pause_ns\":" + u64(s.pause_ns) + ",\"halt_ns\":" + u64(s.halt_ns) + ",\"normal_rate\":\"" +
                    decimal("%.1f", day.rates.normal_rate()) + "\",\"quiet_peak_rate\":\"" +
                    decimal("%.1f", day.rates.quiet_peak()) + "\"}\n";
  for (std::size_t v = 0; v < day.scenario.venues.size(); ++v) out += venue_jsonl(day.scenario.venues[v], day.stats[v]);
  const auto& levels = day.halts.mwcb_levels();
  out += "{\"type\":\"mwcb_levels\",\"index_base\":\"" +
         price8_text(static_cast<std::uint64_t>(TradingHalts::kIndexBase * kIndexPrice8)) + "\",\"level1\":\"" +
         price8_text(levels[0]) + "\",\"level2\":\"" + price8_text(levels[1]) + "\",\"level3\":\"" +
         price8_text(levels[2]) + "\"}\n";

  const auto& records = day.halts.records();
  const auto& breaches = day.halts.breaches();
  for (std::size_t e = 0; e < episodes.size(); ++e) {
    const VolatilityEpisode& ep = episodes[e];
    const int id = static_cast<int>(e);
    std::uint64_t end = ep.move_end_ns;
    std::vector<std::uint32_t> halted;
    for (const HaltRecord& r : records) {
      if (episode_at(episodes, r.stopped_ns) != id) continue;
      end = std::max(end, r.resumed_ns != 0 ? r.resumed_ns : day.flow_end_ns);
      if (std::find(halted.begin(), halted.end(), r.security) == halted.end()) halted.push_back(r.security);
    }
    std::sort(halted.begin(), halted.end());
    const BreachRecord* breach = nullptr;
    for (const BreachRecord& b : breaches) {
      if (episode_at(episodes, b.at_ns) == id && breach == nullptr) breach = &b;
    }
    const std::uint64_t calm = std::max(end, ep.recovery_end_ns);
    const bool everyone = ep.kind == VolatilityKind::kOpenBurst || ep.kind == VolatilityKind::kMarketDecline;
    out += "{\"type\":\"episode\",\"id\":" + std::to_string(id) + ",\"kind\":\"" +
           kVolatilityKindNames[static_cast<std::size_t>(ep.kind)] + "\",\"stocks\":" +
           names_json(day.model, everyone ? all : ep.securities) + ",\"derived\":" + names_json(day.model, ep.derived);
    if (ep.sector >= 0) out += ",\"sector\":\"" + std::string(MarketModel::kSectorNames[ep.sector]) + "\"";
    out += ",\"start_ns\":" + u64(ep.start_ns) + ",\"end_ns\":" + u64(end) + ",\"calm_ns\":" + u64(calm) +
           ",\"size\":\"" + decimal("%.2f", ep.size_percent) + "\",\"halted\":" + names_json(day.model, halted) +
           ",\"peak_rate\":\"" + decimal("%.1f", day.rates.peaks()[e]) + "\"";
    if (ep.kind == VolatilityKind::kOpenBurst) out += ",\"rate_factor\":\"" + decimal("%.2f", s.burst_factor) + "\"";
    if (breach != nullptr) {
      out += ",\"mwcb_level\":\"" + std::string(1, breach->level) + "\",\"mwcb_ns\":" + u64(breach->at_ns) +
             ",\"mwcb_resumed_ns\":" + u64(breach->resumed_ns);
    }
    out += "}\n";
    for (const HaltRecord& r : records) {
      if (episode_at(episodes, r.stopped_ns) == id) out += halt_jsonl(day, r, id, day.flow_end_ns);
    }
  }
  // Halts no episode caused (the quiet market's noise reaching a band): none on a sane day,
  // written if they come.
  for (const HaltRecord& r : records) {
    if (episode_at(episodes, r.stopped_ns) < 0) out += halt_jsonl(day, r, -1, day.flow_end_ns);
  }
  for (const BreachRecord& b : breaches) {
    if (episode_at(episodes, b.at_ns) >= 0) continue;
    out += "{\"type\":\"mwcb_breach\",\"level\":\"" + std::string(1, b.level) + "\",\"mwcb_ns\":" + u64(b.at_ns) +
           ",\"mwcb_resumed_ns\":" + u64(b.resumed_ns) + "}\n";
  }
  return out;
}

std::string volatility_scenario_toml(const VolatilityDay& day, const std::string& dir) {
  const VolatilitySettings& s = day.plan.settings();
  const std::uint64_t trip = storm_trip(day.rates.normal_rate(), s.burst_factor);
  std::string out =
      "# A volatility day (tickwire generate --volatility): its venues with a starting set of circuit\n"
      "# breakers; episodes.jsonl says when and on which securities each should open.\n"
      "#   tickwire replay --config " + dir + "/scenario.toml --journal " + dir + "/journal.jsonl\n"
      "# Sectors and LULD tiers, for breakers across securities: " + dir + "/securities.toml\n";
  for (const VenueSpec& v : day.scenario.venues) {
    out += "\n[feed." + v.name + "]\ninput.files = [" + toml_string(dir + "/" + v.name + ".pcap") + "]\n";
  }
  out +=
      "\n# Per security: the mid's move in sigmas of its own recent volatility, over a second at least.\n"
      "[breaker.vol]\nscope = \"security\"\ntrigger = \"volatility\"\ntrip = 12\nclear = 4\nwindow_ms = 1000\n"
      "\n# Per security: the mid's distance in percent from its trailing reference (LULD's tier-1 band\n"
      "# is 5%). The reference follows the mid over 10 s rather than LULD's 5 minutes, so that after a\n"
      "# move that stays (the shock, the crash, the decline) the breaker closes within the calm gap.\n"
      "[breaker.band]\nscope = \"security\"\ntrigger = \"band\"\ntrip = 5\nclear = 2.5\nreference_ms = 10000\n"
      "\n# Per security: the exchange's own word (H pauses and halts, J auction collars).\n"
      "[breaker.halt]\nscope = \"security\"\ntrigger = \"halt\"\n";
  char storm[512];
  std::snprintf(storm, sizeof storm,
                "\n# Per feed: messages per second of exchange time over its window. %s sends about %.0f a second\n"
                "# outside the episodes and %.2f times that in the open burst: the trip sits half way.\n"
                "[breaker.storm]\nscope = \"system\"\ntrigger = \"message_rate\"\ntrip = %llu\nclear = %llu\n"
                "window_ms = %llu\n",
                day.scenario.venues.front().name.c_str(), day.rates.normal_rate(), s.burst_factor,
                static_cast<unsigned long long>(trip), static_cast<unsigned long long>(trip / 2),
                static_cast<unsigned long long>(kStormWindowSteps * kStepNs / kNanosPerMilli));
  return out + storm;
}

}  // namespace tickwire::generator::venues
