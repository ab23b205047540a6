#include "pcap_samples/generator/generate_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "pcap_samples/generator/sidecar.h"
#include "pcap_samples/generator/venues/venues_scenario.h"

namespace tickwire::cli {

namespace {

using namespace tickwire::generator;

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2;

constexpr const char* kUsage = R"(usage: tickwire generate --out FILE [options]
       tickwire generate --venues nasdaq,bx,psx --out DIR [options]
       tickwire generate --venues nasdaq --out DIR --volatility [options]

Writes a deterministic NASDAQ TotalView-ITCH 5.0 day: same options, same bytes.

output
  --out FILE               .pcap: MoldUDP64 in a nanosecond pcap; anything else: BinaryFILE
                           (gzip when FILE ends in .gz)
  --format F               binaryfile | pcap (default: from the suffix of --out)
  --sidecar FILE           JSON lines: what was injected (halts, bursts, anomalies, packet faults)
  --quiet                  no summary on stdout

scenario
  --seed N                 (default 1)
  --universe-seed N        draw the securities and their prices from N, the flow from --seed:
                           venues of one universe list the same securities (default: --seed)
  --messages N             every ITCH message of the day (default 1000000)
  --symbols N              (default 500)
  --rate R                 order-flow messages per second of exchange time (default 50000)
  --zipf S                 symbol popularity exponent (default 1.1)
  --date YYYY-MM-DD        session date, for capture timestamps (default 2026-11-24)
  --live-orders-target N   live orders the books reach (default: 125 per symbol, <= messages/100)
  --long-lived-share F     share of orders resting for 10 minutes or more (default 0.02)
  --lifetime-scale F       factor on all order lifetimes (default: fitted to the live target)

injections
  --halts N                N symbols halted for a while during continuous trading
  --burst START:DUR:MULT   flow runs MULT times faster for DUR seconds from START seconds
                           after the open (repeatable)
  --ts-anomalies N         N messages carry a timestamp jumped backwards or forwards
  --gap-rate P             per data packet and line: P of a gap (1 + 0..--gap-extra packets lost)
  --gap-extra N            (default 2)
  --dup-rate P             the packet sent twice
  --reorder-rate P         the packet delayed by 1..--reorder-max packets (default 4)
  --reorder-max N
  --truncate-rate P        the datagram cut inside a message block
  --corrupt-rate P         bad IPv4 header checksum or an overrunning block length

several venues (--venues: one market, a pcap per venue, ground truth for patterns)
  --venues LIST            venue names, comma-separated: each gets its session, group, locates
                           and order flow around one fair value per security; DIR receives
                           NAME.pcap, episodes.jsonl, securities.toml and scenario.toml
  --seconds S              continuous trading to generate (default 180)
  --episodes N             injected episodes of each kind (default 2): a pair diverging, a
                           correlation breaking, a leader jumping, an ETF premium, a venue
                           dislocated
  --episode-size F         factor on every episode's size (default 1: well above the noise)
  (--seed, --symbols (default 60), --date and the transport options apply; --rate is the
   background churn in messages per second and venue, default 2000)

volatility days (--venues LIST --volatility: one venue is enough; ground truth for breakers)
  --volatility             the volatility episodes instead of the pattern ones, in this order
                           with a calm stretch after each: an open burst, a single-stock
                           shock, a sector flash crash with LULD pauses (H P, J, H T), a
                           market-wide decline through the MWCB's level 1 (V, W, H H, H T);
                           episodes.jsonl lists each episode and every halt, scenario.toml
                           sets circuit breakers; --episodes 0: a calm day, nothing injected
  --burst-factor N         the open burst's messages over the usual, 4 to 20 (default 5)
  --pause-seconds S        a LULD trading pause (default 5; the rule's is 300)
  --halt-seconds S         a market-wide level 1 or 2 halt (default 10; the rule's is 900)
  (the episodes need 109 s of --seconds at the defaults; --episode-size scales the moves:
   the shock 8%, the crash and the decline -8%)

transport (pcap)
  --session NAME           MoldUDP64 session, up to 10 characters (default TICKWIRE01)
  --group A.B.C.D:PORT     line A destination (default 233.54.12.111:26477)
  --group-b A.B.C.D:PORT   adds line B: the same packets to this group, faults drawn apart
  --source A.B.C.D:PORT    (default 10.1.1.1:26400)
  --max-payload N          UDP payload bytes per packet (default 1472)
  --coalesce-us N          a packet waits at most N us of exchange time for more (default 5)
  --latency-us N           exchange timestamp to capture time (default 18)
  --heartbeat-interval S   seconds of silence between heartbeats; 0: none (default 1)
  --no-end-of-session      no end-of-session packet
)";

struct Parser {
  int argc;
  char** argv;
  int i = 1;
  std::string error;

  // The value of option `name`, given as "--name value" or "--name=value".
  std::optional<std::string> value(std::string_view arg, std::string_view name) {
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
      return std::string(arg.substr(name.size() + 1));
    }
    if (i + 1 >= argc) {
      error = std::string(name) + ": needs a value";
      return std::nullopt;
    }
    return std::string(argv[++i]);
  }
};

bool parse_u64(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s[0] == '-') return false;
  char* end = nullptr;
  out = std::strtoull(s.c_str(), &end, 10);
  return end != nullptr && *end == '\0';
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

bool parse_endpoint(const std::string& s, Endpoint& out) {
  unsigned a = 0, b = 0, c = 0, d = 0, port = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%u.%u.%u.%u:%u%c", &a, &b, &c, &d, &port, &tail) != 5) return false;
  if (a > 255 || b > 255 || c > 255 || d > 255 || port > 65535) return false;
  out.ip = (a << 24) | (b << 16) | (c << 8) | d;
  out.port = static_cast<std::uint16_t>(port);
  return true;
}

bool parse_burst(const std::string& s, Burst& out) {
  const auto first = s.find(':');
  const auto second = first == std::string::npos ? std::string::npos : s.find(':', first + 1);
  if (second == std::string::npos) return false;
  return parse_double(s.substr(0, first), out.start_seconds) &&
         parse_double(s.substr(first + 1, second - first - 1), out.duration_seconds) &&
         parse_double(s.substr(second + 1), out.multiplier);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "tickwire generate: %s\n(tickwire generate --help for the options)\n", message.c_str());
  return kExitUsage;
}

void print_summary(const std::string& out, const RunResult& r, OutputFormat format, double seconds) {
  const GenerationReport& g = r.report;
  std::printf("wrote %s: %llu messages", out.c_str(), static_cast<unsigned long long>(g.messages));
  if (format == OutputFormat::kPcap) {
    std::printf(", %llu data packets, %llu heartbeats", static_cast<unsigned long long>(r.packets.data_packets),
                static_cast<unsigned long long>(r.packets.heartbeats));
  }
  std::printf(" in %.2f s (%.2f M messages/s)\n", seconds, seconds > 0 ? g.messages / seconds / 1e6 : 0.0);
  std::printf("mix:");
  for (int t = 0; t < 256; ++t) {
    if (g.by_type[t] != 0) std::printf(" %c %.3f%%", t, 100.0 * static_cast<double>(g.by_type[t]) / g.messages);
  }
  std::printf("\nlive orders: target %llu, peak %llu, at end %llu; lifetime scale %.6g; flow %.0f msg/s\n",
              static_cast<unsigned long long>(g.live_orders_target), static_cast<unsigned long long>(g.live_orders_peak),
              static_cast<unsigned long long>(g.live_orders_at_end), g.lifetime_scale, g.flow_rate);
}

}  // namespace

// What the venue options asked for (--venues and the options of its days).
struct VenueOptions {
  std::string list;
  double seconds = 180;
  std::uint64_t episodes = 2;
  bool episodes_given = false;
  double episode_size = 1.0;
  bool volatility = false;
  venues::VolatilitySettings volatility_settings;
  bool volatility_option_given = false;  // one of the volatility day's own options
};

static int run_venues(const ScenarioConfig& config, const VenueOptions& options, bool symbols_given, bool rate_given,
                      const std::string& out, bool quiet) {
  const std::string& venue_list = options.list;
  const double seconds = options.seconds;
  const auto episodes = static_cast<std::uint32_t>(options.volatility && !options.episodes_given ? 1 : options.episodes);
  const double episode_size = options.episode_size;
  venues::VolatilitySettings volatility = options.volatility_settings;
  venues::VenuesScenario scenario;
  scenario.transport = config;
  if (!symbols_given) scenario.transport.symbols = 60;
  if (rate_given) scenario.churn_rate = config.rate;
  scenario.seconds = seconds;
  scenario.episodes_per_kind = episodes;
  scenario.episode_size = episode_size;
  if (options.volatility) scenario.volatility = volatility;
  if (std::string error = venues::parse_venues(venue_list, scenario.venues, options.volatility ? 1 : 2); !error.empty()) {
    return usage_error(error);
  }
  if (!(seconds > 0 && seconds <= 36'000)) return usage_error("--seconds: must be above 0 and at most 36000");
  if (!(scenario.churn_rate >= 0 && scenario.churn_rate <= 1e7)) return usage_error("--rate: must be 0..10000000");
  venues::VenuesResult result;
  const auto start = std::chrono::steady_clock::now();
  if (std::string error = venues::generate_venues(scenario, out, result); !error.empty()) {
    std::fprintf(stderr, "tickwire generate: %s\n", error.c_str());
    return kExitFailed;
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!quiet) {
    std::printf("wrote %s: %zu venues, %zu securities, %zu episodes", out.c_str(), scenario.venues.size(),
                result.securities, result.episodes);
    if (options.volatility) std::printf(", %zu halts", result.halts);
    std::printf(" in %.2f s\n", took);
    for (std::size_t v = 0; v < scenario.venues.size(); ++v) {
      std::printf("  %s.pcap: %llu messages, %llu requotes, %llu trades\n", scenario.venues[v].name.c_str(),
                  static_cast<unsigned long long>(result.venues[v].messages),
                  static_cast<unsigned long long>(result.venues[v].requotes),
                  static_cast<unsigned long long>(result.venues[v].trades));
    }
    std::printf("replay: tickwire replay --config %s/scenario.toml --journal %s/journal.jsonl\n", out.c_str(),
                out.c_str());
  }
  return kExitOk;
}

int run_generate_command(int argc, char** argv) {
  ScenarioConfig config;
  std::string out, sidecar, format_name;
  VenueOptions venue;
  bool symbols_given = false, rate_given = false;
  bool quiet = false;
  Parser p{argc, argv, 1, {}};
  for (; p.i < argc; ++p.i) {
    const std::string_view arg = argv[p.i];
    const std::string_view name = arg.substr(0, arg.find('='));
    auto take = [&]() { return p.value(arg, name); };
    auto number = [&](std::uint64_t& target) {
      const auto v = take();
      if (!v) return false;
      if (!parse_u64(*v, target)) {
        p.error = std::string(name) + ": '" + *v + "' is not a whole number";
        return false;
      }
      return true;
    };
    auto real = [&](double& target) {
      const auto v = take();
      if (!v) return false;
      if (!parse_double(*v, target)) {
        p.error = std::string(name) + ": '" + *v + "' is not a number";
        return false;
      }
      return true;
    };
    auto text = [&](std::string& target) {
      const auto v = take();
      if (v) target = *v;
      return v.has_value();
    };
    auto endpoint = [&](Endpoint& target) {
      const auto v = take();
      if (!v) return false;
      if (!parse_endpoint(*v, target)) {
        p.error = std::string(name) + ": '" + *v + "' is not A.B.C.D:PORT";
        return false;
      }
      return true;
    };
    auto narrow = [&](std::uint64_t v, std::uint64_t max, auto& target) {
      if (v > max) {
        p.error = std::string(name) + ": " + std::to_string(v) + " is too large";
        return false;
      }
      target = static_cast<std::remove_reference_t<decltype(target)>>(v);
      return true;
    };
    std::uint64_t n = 0;
    double x = 0;
    std::string s;
    bool ok = true;
    if (name == "--help" || name == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (name == "--quiet") {
      quiet = true;
    } else if (name == "--out") {
      ok = text(out);
    } else if (name == "--sidecar") {
      ok = text(sidecar);
    } else if (name == "--format") {
      ok = text(format_name);
    } else if (name == "--seed") {
      ok = number(config.seed);
    } else if (name == "--universe-seed") {
      ok = number(config.universe_seed);
    } else if (name == "--messages") {
      ok = number(config.messages);
    } else if (name == "--symbols") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.symbols);
      symbols_given = true;
    } else if (name == "--rate") {
      ok = real(config.rate);
      rate_given = true;
    } else if (name == "--venues") {
      ok = text(venue.list);
    } else if (name == "--seconds") {
      ok = real(venue.seconds);
    } else if (name == "--episode-size") {
      ok = real(venue.episode_size);
    } else if (name == "--episodes") {
      ok = number(venue.episodes) && narrow(venue.episodes, 1000, venue.episodes);
      venue.episodes_given = true;
    } else if (name == "--volatility") {
      venue.volatility = true;
    } else if (name == "--burst-factor") {
      ok = real(venue.volatility_settings.burst_factor);
      venue.volatility_option_given = true;
    } else if (name == "--pause-seconds" || name == "--halt-seconds") {
      ok = real(x);
      if (ok && !(x >= 0.001 && x <= 3600)) {
        p.error = std::string(name) + ": must be 0.001 to 3600 seconds";
        ok = false;
      }
      const auto ns = static_cast<std::uint64_t>(x * kNanosPerSecond);
      (name == "--pause-seconds" ? venue.volatility_settings.pause_ns : venue.volatility_settings.halt_ns) = ns;
      venue.volatility_option_given = true;
    } else if (name == "--zipf") {
      ok = real(config.zipf_exponent);
    } else if (name == "--date") {
      ok = text(s);
      if (ok) {
        const auto d = parse_date(s);
        if (!d) {
          p.error = "--date: '" + s + "' is not a date YYYY-MM-DD";
          ok = false;
        } else {
          config.date = *d;
        }
      }
    } else if (name == "--live-orders-target") {
      ok = number(config.live_orders_target);
    } else if (name == "--long-lived-share") {
      ok = real(x);
      if (ok && !(x >= 0.0 && x <= 1.0)) {
        p.error = "--long-lived-share: must be 0..1";
        ok = false;
      }
      if (ok) config.lifetimes.set_long_lived_share(x);
    } else if (name == "--lifetime-scale") {
      ok = real(config.lifetime_scale);
    } else if (name == "--halts") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.halts);
    } else if (name == "--burst") {
      Burst b;
      ok = text(s);
      if (ok && !parse_burst(s, b)) {
        p.error = "--burst: '" + s + "' is not START_S:DURATION_S:MULTIPLIER";
        ok = false;
      }
      if (ok) config.bursts.push_back(b);
    } else if (name == "--ts-anomalies") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.timestamp_anomalies);
    } else if (name == "--gap-rate") {
      ok = real(config.faults.gap);
    } else if (name == "--gap-extra") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.faults.gap_extra_packets);
    } else if (name == "--dup-rate") {
      ok = real(config.faults.duplicate);
    } else if (name == "--reorder-rate") {
      ok = real(config.faults.reorder);
    } else if (name == "--reorder-max") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.faults.reorder_max_delay);
    } else if (name == "--truncate-rate") {
      ok = real(config.faults.truncate);
    } else if (name == "--corrupt-rate") {
      ok = real(config.faults.corrupt);
    } else if (name == "--session") {
      ok = text(config.session);
    } else if (name == "--group") {
      ok = endpoint(config.line_a);
    } else if (name == "--group-b") {
      ok = endpoint(config.line_b);
      config.line_b_enabled = ok;
    } else if (name == "--source") {
      ok = endpoint(config.source);
    } else if (name == "--max-payload") {
      ok = number(n) && narrow(n, 0xFFFFFFFFu, config.max_payload);
    } else if (name == "--coalesce-us") {
      ok = number(n);
      config.coalesce_window_ns = n * kNanosPerMicro;
    } else if (name == "--latency-us") {
      ok = number(n);
      config.wire_latency_ns = n * kNanosPerMicro;
    } else if (name == "--heartbeat-interval") {
      ok = real(x);
      if (ok && !(x >= 0.0 && x <= 86'400.0)) {
        p.error = "--heartbeat-interval: must be 0..86400 seconds";
        ok = false;
      }
      config.heartbeat_interval_ns = static_cast<std::uint64_t>(x * kNanosPerSecond);
    } else if (name == "--no-end-of-session") {
      config.end_of_session = false;
    } else {
      return usage_error("unknown option '" + std::string(arg) + "'");
    }
    if (!ok) return usage_error(p.error);
  }
  if (venue.volatility_option_given && !venue.volatility) {
    return usage_error("--burst-factor, --pause-seconds and --halt-seconds go with --volatility");
  }
  if (venue.volatility && venue.list.empty()) return usage_error("--volatility: name the venues (--venues nasdaq)");
  if (!venue.list.empty()) {
    if (out.empty()) return usage_error("--out: an output directory is required");
    if (!sidecar.empty() || !format_name.empty()) return usage_error("--venues writes its own files: no --sidecar or --format");
    if (symbols_given && config.symbols > 4000) return usage_error("--symbols: at most 4000 with --venues");
    return run_venues(config, venue, symbols_given, rate_given, out, quiet);
  }
  if (out.empty()) return usage_error("--out: an output file is required");
  OutputFormat format = format_from_path(out);
  if (format_name == "pcap") {
    format = OutputFormat::kPcap;
  } else if (format_name == "binaryfile") {
    format = OutputFormat::kBinaryFile;
  } else if (!format_name.empty()) {
    return usage_error("--format: '" + format_name + "' is not binaryfile or pcap");
  }
  const std::string invalid = validate(config);
  if (!invalid.empty()) return usage_error(invalid);

  RunResult result;
  const auto start = std::chrono::steady_clock::now();
  const std::string error = generate_to_file(config, format, out, sidecar, &result);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!error.empty()) {
    std::fprintf(stderr, "tickwire generate: %s\n", error.c_str());
    return kExitFailed;
  }
  if (!quiet) print_summary(out, result, format, took);
  return kExitOk;
}

}  // namespace tickwire::cli
