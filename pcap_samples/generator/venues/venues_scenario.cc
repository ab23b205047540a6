#include "pcap_samples/generator/venues/venues_scenario.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pcap_samples/generator/byte_output.h"
#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/mold_packetizer.h"
#include "pcap_samples/generator/pcap_writer.h"
#include "pcap_samples/generator/symbol_universe.h"
#include "pcap_samples/generator/venues/file_text.h"
#include "pcap_samples/generator/venues/trading_halts.h"
#include "pcap_samples/generator/venues/volatility_files.h"

namespace tickwire::generator::venues {

namespace {

struct KnownVenue {
  const char* name;
  const char* session;
  std::uint32_t group_ip;
  std::uint32_t source_ip;
  std::uint64_t delay_ns;
};
// Groups as in the venues' public specifications' examples where known; sessions made up.
constexpr KnownVenue kKnown[] = {
    {"nasdaq", "NSDQ000001", 0xE9360C6F, 0x0A010101, 0},       // 233.54.12.111, 10.1.1.1
    {"bx", "BX00000001", 0xE931C46F, 0x0A010201, 11'000},      // 233.49.196.111, 10.1.2.1
    {"psx", "PSX0000001", 0xE9360E6F, 0x0A010301, 23'000},     // 233.54.14.111, 10.1.3.1
};
constexpr std::uint16_t kPort = 26477;
constexpr std::uint16_t kSourcePort = 26400;
constexpr std::uint64_t kUnknownDelayStepNs = 7'000;

// The patterns scenario.toml sets, tuned so that an episode stands out from the quiet
// market (docs/patterns.md explains each parameter).
constexpr const char* kPairPattern = "window_ms = 10000\nentry_z = 5.0\nexit_z = 1.0\nmin_samples = 200\n";
constexpr const char* kGroupPattern =
    "grid_ms = 100\nwindow_ms = 3000\nnorm_window_ms = 30000\nthreshold = 0.6\nmin_samples = 20\n";
constexpr const char* kLeadPattern = "move_bps = 20\nfollower_bps = 10\nwithin_ms = 200\n";
constexpr const char* kBasketPattern = "threshold_bps = 20\n";

// This venue's locates: the first venue's alphabetical, the second's reversed, the others'
// shuffled, so that no reader can mistake a locate for a security across feeds.
std::vector<std::uint16_t> locates_for(std::size_t venue, std::size_t n, std::uint64_t seed) {
  std::vector<std::uint16_t> locates(n);
  for (std::size_t i = 0; i < n; ++i) locates[i] = static_cast<std::uint16_t>(venue == 1 ? n - i : i + 1);
  if (venue >= 2) {
    Rng rng(seed + venue, static_cast<Stream>(21));
    for (std::size_t k = n; k > 1; --k) std::swap(locates[k - 1], locates[rng.below(k)]);
  }
  return locates;
}

std::string securities_toml(const MarketModel& model) {
  std::string out = "# The reference data of a generated multi-venue scenario (tickwire generate --venues).\n";
  for (const ModelSecurity& s : model.securities()) {
    out += "\n[security." + s.symbol + "]\nsector = \"" +
           (s.role == Role::kEtf ? std::string("etf") : std::string(MarketModel::kSectorNames[s.sector])) +
           "\"\nluld_tier = " + std::to_string(s.luld_tier) + "\n";
    if (s.role == Role::kEtf) {
      const Basket& b = model.basket();
      out += "basket = {";
      for (std::size_t k = 0; k < b.shares.size(); ++k) {
        out += (k == 0 ? " " : ", ") + model.securities()[b.shares[k].first].symbol + " = " +
               std::to_string(b.shares[k].second);
      }
      out += " }\nbasket_cash = \"" + price4_text(b.cash) + "\"\ncreation_unit = " + std::to_string(b.creation_unit) +
             "\n";
    } else if (s.role == Role::kComponent) {
      out += "indexes = [\"" + model.securities()[model.basket().etf].symbol + "\"]\n";
    }
  }
  return out;
}

std::string scenario_toml(const MarketModel& model, const VenuesScenario& scenario, const std::string& dir) {
  std::string out =
      "# Replays the venues of this scenario with one pattern per relationship built into it:\n"
      "#   tickwire replay --config " + dir + "/scenario.toml --journal " + dir + "/journal.jsonl\n"
      "# and scores the signals against the injected episodes:\n"
      "#   tickwire score --episodes " + dir + "/episodes.jsonl " + dir + "/journal.jsonl\n";
  for (const VenueSpec& v : scenario.venues) {
    out += "\n[feed." + v.name + "]\ninput.files = [" + toml_string(dir + "/" + v.name + ".pcap") + "]\n";
  }
  out += "\n[patterns]\nsecurities_file = " + toml_string(dir + "/securities.toml") + "\n";
  const auto& sec = model.securities();
  for (std::uint32_t i = 0; i < sec.size(); ++i) {
    if (sec[i].role != Role::kPairB) continue;
    const std::uint32_t a = sec[i].partner;
    char hedge[32];
    std::snprintf(hedge, sizeof hedge, "%.6f",
                  static_cast<double>(sec[a].reference) / static_cast<double>(sec[i].reference));
    out += "\n[pattern.pair_" + sec[a].symbol + "_" + sec[i].symbol + "]\ntemplate = \"pair_spread\"\nsecurities = " +
           names_toml(model, {a, i}) + "\nhedge_ratio = " + hedge + "\n" + kPairPattern;
  }
  out += "\n[pattern.correlated]\ntemplate = \"correlation_break\"\nsecurities = " +
         names_toml(model, model.of_role(Role::kGroup)) + "\n" + kGroupPattern;
  std::vector<std::uint32_t> lead = {model.leader()};
  for (const std::uint32_t f : model.of_role(Role::kFollower)) lead.push_back(f);
  out += "\n[pattern.lead]\ntemplate = \"lead_lag\"\nsecurities = " + names_toml(model, lead) + "\n" + kLeadPattern +
         "expected_lag_us = " + std::to_string(MarketModel::kLeaderLagNs / 1000) + "\n";
  out += "\n[pattern.etf]\ntemplate = \"basket_premium\"\nsecurities = " +
         names_toml(model, {model.basket().etf}) + "\n" + kBasketPattern;
  out += "\n[pattern.venues]\ntemplate = \"cross_venue\"\nsecurities = [\"*\"]\n";
  return out;
}

std::string episodes_jsonl(const MarketModel& model, const VenuesScenario& scenario,
                           const std::vector<VenueStats>& stats) {
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"type\":\"scenario\",\"seed\":%llu,\"securities\":%zu,\"seconds\":\"%.3f\","
                "\"episode_size\":\"%.3f\"}\n",
                static_cast<unsigned long long>(scenario.transport.seed), model.securities().size(), scenario.seconds,
                scenario.episode_size);
  out += buf;
  for (std::size_t v = 0; v < scenario.venues.size(); ++v) out += venue_jsonl(scenario.venues[v], stats[v]);
  const auto& sec = model.securities();
  for (std::uint32_t i = 0; i < sec.size(); ++i) {
    if (sec[i].role != Role::kPairB) continue;
    out += "{\"type\":\"relationship\",\"kind\":\"pair\",\"stocks\":" + names_json(model, {sec[i].partner, i}) + "}\n";
  }
  out += "{\"type\":\"relationship\",\"kind\":\"correlated\",\"stocks\":" +
         names_json(model, model.of_role(Role::kGroup)) + "}\n";
  std::vector<std::uint32_t> lead = {model.leader()};
  for (const std::uint32_t f : model.of_role(Role::kFollower)) lead.push_back(f);
  out += "{\"type\":\"relationship\",\"kind\":\"leader_followers\",\"stocks\":" + names_json(model, lead) +
         ",\"lag_ns\":" + std::to_string(MarketModel::kLeaderLagNs) + "}\n";
  std::vector<std::uint32_t> etf = {model.basket().etf};
  for (const auto& [c, shares] : model.basket().shares) etf.push_back(c);
  out += "{\"type\":\"relationship\",\"kind\":\"etf_basket\",\"stocks\":" + names_json(model, etf) + "}\n";
  for (const Episode& e : model.episodes()) {
    const auto kind = static_cast<std::size_t>(e.kind);
    std::snprintf(buf, sizeof buf, ",\"start_ns\":%llu,\"end_ns\":%llu,\"size_bps\":\"%.2f\"",
                  static_cast<unsigned long long>(e.start_ns), static_cast<unsigned long long>(e.end_ns), e.size_bps);
    out += std::string("{\"type\":\"episode\",\"kind\":\"") + kEpisodeKindNames[kind] + "\",\"template\":\"" +
           kEpisodeTemplates[kind] + "\",\"stocks\":" + names_json(model, e.securities) + buf;
    if (e.venue >= 0) out += ",\"venue\":\"" + scenario.venues[static_cast<std::size_t>(e.venue)].name + "\"";
    out += "}\n";
  }
  return out;
}

}  // namespace

std::string parse_venues(std::string_view list, std::vector<VenueSpec>& out, std::size_t fewest) {
  out.clear();
  std::size_t at = 0;
  while (at <= list.size()) {
    const std::size_t comma = list.find(',', at);
    const std::string_view name = list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
    if (name.empty() || name.size() > 10) return "--venues: '" + std::string(name) + "' must be 1 to 10 characters";
    for (const char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return "--venues: '" + std::string(name) + "': lower-case letters and digits only (it names a feed)";
      }
    }
    for (const VenueSpec& v : out) {
      if (v.name == name) return "--venues: '" + std::string(name) + "' twice";
    }
    VenueSpec spec;
    spec.name = std::string(name);
    const auto v = static_cast<std::uint32_t>(out.size());
    spec.group = {0xE9361400u + (v << 8) + 111, kPort};  // 233.54.20+v.111
    spec.source = {0x0A010A01u + (v << 8), kSourcePort};
    spec.delay_ns = v * kUnknownDelayStepNs;
    spec.session = spec.name;
    for (char& c : spec.session) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    spec.session.append(10 - spec.session.size(), '0');
    for (const KnownVenue& k : kKnown) {
      if (name == k.name) {
        spec.session = k.session;
        spec.group = {k.group_ip, kPort};
        spec.source = {k.source_ip, kSourcePort};
        spec.delay_ns = k.delay_ns;
      }
    }
    out.push_back(std::move(spec));
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  if (out.size() < fewest) {
    return fewest == 2 ? "--venues: name two venues or more (a volatility day, --volatility, runs on one)"
                       : "--venues: too few venues";
  }
  return {};
}

std::string generate_venues(const VenuesScenario& scenario, const std::string& dir, VenuesResult& result) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return dir + ": cannot create (" + std::strerror(errno) + ")";
  Rng names_rng(scenario.transport.seed, Stream::kSymbols);
  const SymbolUniverse universe(scenario.transport.symbols, scenario.transport.zipf_exponent, names_rng);
  ModelConfig mc;
  mc.seed = scenario.transport.seed;
  mc.venues = static_cast<std::uint32_t>(scenario.venues.size());
  mc.flow_start_ns = DaySchedule::kFlowStart;
  mc.flow_ns = static_cast<std::uint64_t>(scenario.seconds * 1e9) / kStepNs * kStepNs;
  const bool volatile_day = scenario.volatility.has_value();
  // A volatility day carries its own episodes instead of the patterns'.
  mc.episodes_per_kind = volatile_day ? 0 : scenario.episodes_per_kind;
  mc.episode_size = scenario.episode_size;
  for (std::uint32_t i = 0; i < universe.size(); ++i) {
    const char* stock = universe[i].stock;
    std::size_t len = 8;
    while (len > 0 && stock[len - 1] == ' ') --len;
    mc.symbols.emplace_back(stock, len);
  }
  if (std::string invalid = MarketModel::check(mc); !invalid.empty()) return invalid;
  if (mc.flow_start_ns + mc.flow_ns + 4 * kStepNs >= DaySchedule::kEndOfSystemHours) return "--seconds: too long for a day";
  if (!volatile_day && scenario.venues.size() < 2) return "--venues: the pattern episodes need two venues or more";
  VolatilitySettings settings;
  if (volatile_day) {
    if (scenario.episodes_per_kind > 1) return "--episodes: a volatility day has its episodes once (1) or none (0)";
    settings = *scenario.volatility;
    settings.episodes = scenario.episodes_per_kind != 0;
    settings.episode_size = scenario.episode_size;
    if (std::string invalid = VolatilityPlan::check(settings, mc.flow_ns); !invalid.empty()) return invalid;
  }
  MarketModel model(mc);
  std::unique_ptr<VolatilityPlan> plan;
  std::unique_ptr<TradingHalts> halts;
  if (volatile_day) {
    plan = std::make_unique<VolatilityPlan>(settings, model, mc.flow_start_ns, mc.seed);
    model.set_volatility(plan.get());
    halts = std::make_unique<TradingHalts>(model, settings.pause_ns, settings.halt_ns);
  }

  struct Output {
    ScenarioConfig config;
    std::unique_ptr<ByteOutput> bytes;
    std::unique_ptr<PcapWriter> writer;
    std::unique_ptr<MoldPacketizer> packetizer;
    std::unique_ptr<VenueStream> stream;
  };
  std::vector<Output> outputs(scenario.venues.size());
  for (std::size_t v = 0; v < scenario.venues.size(); ++v) {
    const VenueSpec& spec = scenario.venues[v];
    Output& o = outputs[v];
    o.config = scenario.transport;
    o.config.session = spec.session;
    o.config.line_a = spec.group;
    o.config.source = spec.source;
    o.config.seed = scenario.transport.seed + v;
    std::string error;
    o.bytes = open_file_output(dir + "/" + spec.name + ".pcap", error);
    if (!o.bytes) return error;
    o.writer = std::make_unique<PcapWriter>(o.config, *o.bytes);
    o.packetizer = std::make_unique<MoldPacketizer>(o.config, *o.writer);
    o.stream = std::make_unique<VenueStream>(static_cast<std::uint32_t>(v), model,
                                             locates_for(v, mc.symbols.size(), mc.seed), spec.delay_ns,
                                             scenario.churn_rate, mc.seed, *o.packetizer);
    // The first venue is the listing market: it runs the LULD auctions.
    if (halts) o.stream->set_volatility(halts.get(), v == 0);
    o.stream->open_day();
  }
  // The first venue's rates (the storm breaker's trip, each episode's busiest moment).
  VolatilityRates rates(plan ? plan->episodes().size() : 0);
  for (std::uint64_t k = 0; k < model.steps(); ++k) {
    model.step(k);
    if (!plan) {
      for (Output& o : outputs) o.stream->on_step(k);
      continue;
    }
    const std::uint64_t t = model.time_of(k);
    halts->step(t);
    const std::uint64_t before = outputs.front().stream->stats().messages;
    for (Output& o : outputs) {
      o.stream->set_flow_factor(plan->flow_factor(t));
      o.stream->on_step(k);
    }
    rates.on_step(plan->episode_at(t), outputs.front().stream->stats().messages - before);
  }
  const std::uint64_t end = model.time_of(model.steps());
  result.venues.clear();
  for (Output& o : outputs) {
    o.stream->close_day(end);
    if (!o.writer->ok() || !o.bytes->close()) return o.bytes->error();
    result.venues.push_back(o.stream->stats());
  }
  result.episodes = plan ? plan->episodes().size() : model.episodes().size();
  result.securities = model.securities().size();
  std::string episodes, config;
  if (plan) {
    const VolatilityDay day{.scenario = scenario,
                            .model = model,
                            .plan = *plan,
                            .halts = *halts,
                            .rates = rates,
                            .stats = result.venues,
                            .flow_start_ns = mc.flow_start_ns,
                            .flow_end_ns = end};
    episodes = volatility_episodes_jsonl(day);
    config = volatility_scenario_toml(day, dir);
    result.halts = halts->records().size();
  } else {
    episodes = episodes_jsonl(model, scenario, result.venues);
    config = scenario_toml(model, scenario, dir);
  }
  for (const auto& [name, text] : {std::pair{std::string("episodes.jsonl"), episodes},
                                   std::pair{std::string("securities.toml"), securities_toml(model)},
                                   std::pair{std::string("scenario.toml"), config}}) {
    if (std::string error = write_text(dir + "/" + name, text); !error.empty()) return error;
  }
  return {};
}

}  // namespace tickwire::generator::venues
