// Circuit breakers on generated volatility days (`tickwire generate --volatility`), replayed
// with the breakers the generator's scenario.toml starts from, against the ground truth in
// episodes.jsonl:
//   - the storm breaker opens within its window of the open burst's onset and closes once the
//     burst is over;
//   - a single-stock shock opens that stock's volatility breaker within the move (5 ms), its
//     band breaker too;
//   - a sector flash crash opens the band breaker of every stock of the sector within the
//     crash's second, and the halt breaker of each paused stock at its pause (the H message);
//   - the market-wide decline opens the halt breaker of every stock by the level-1 halt, the
//     market's mwcb breaker at the W and its open_share breaker on the way down; mwcb closes
//     once trading resumes;
//   - every security breaker that opens names a stock its episode lists, and every breaker has
//     closed before the next episode begins and by the end of the day;
//   - the journal, transitions included, is byte-identical inline and with 2 workers (not
//     under the sanitizers, where breakers_cli_test compares the layouts on smaller days);
//   - a calm day opens nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

constexpr std::int64_t kMs = 1'000'000;

std::string text_of(const std::string& path) {
  const Bytes b = read_file(path);
  return {b.begin(), b.end()};
}

// The lines of a JSON-lines file that hold `must_hold`, parsed flat once the fields with
// decimals are cut out.
std::vector<JsonObject> objects(const std::string& path, const std::string& must_hold) {
  std::vector<std::string> bad;
  const std::vector<JsonObject> out =
      json_lines_cutting(text_of(path), must_hold, {",\"value\":", ",\"threshold\":"}, &bad);
  EXPECT_TRUE(bad.empty()) << bad.front();
  return out;
}

std::string str(const JsonObject& o, const std::string& key) { return field_text(o, key); }
std::int64_t num(const JsonObject& o, const std::string& key) { return field_int(o, key); }
std::vector<std::string> list(const JsonObject& o, const std::string& key) { return field_list(o, key); }

struct Day {
  std::string dir;
  std::vector<JsonObject> episodes;
  std::vector<JsonObject> halts;
};

Day generate(const std::string& dir, bool calm) {
  // The episodes need 109 s of flow; under the sanitizers a thinner flow (test::scaled).
  std::vector<std::string> args = {"generate",  "--venues", "nasdaq", "--volatility", "--out", dir, "--symbols", "30",
                                   "--rate", std::to_string(scaled(500, 200)), "--seconds", calm ? "20" : "110", "--quiet"};
  if (calm) args.insert(args.end(), {"--episodes", "0"});
  const CommandResult g = run_command(tickwire_binary(), args);
  EXPECT_EQ(g.exit_code, 0) << g.err;
  Day day{dir, {}, {}};
  for (const JsonObject& o : objects(dir + "/episodes.jsonl", "\"type\"")) {
    if (str(o, "type") == "episode") day.episodes.push_back(o);
    if (str(o, "type") == "halt") day.halts.push_back(o);
  }
  return day;
}

const JsonObject& episode(const Day& day, const std::string& kind) {
  static const JsonObject none;
  for (const JsonObject& e : day.episodes) {
    if (str(e, "kind") == kind) return e;
  }
  ADD_FAILURE() << "no " << kind << " episode";
  return none;
}

// The first time breaker `name` opened for `stock` ("" for a system breaker) within [from, to].
std::int64_t opened(const std::vector<JsonObject>& lines, const std::string& name, const std::string& stock,
                    std::int64_t from, std::int64_t to) {
  for (const JsonObject& o : lines) {
    const std::int64_t t = num(o, "exchange_time");
    if (str(o, "breaker") == name && str(o, "stock") == stock && str(o, "cause") == "tripped" && t >= from && t <= to) {
      return t;
    }
  }
  return -1;
}

TEST(BreakerScenarios, EachVolatilityEpisodeOpensItsBreakersInTimeAndTheyRecover) {
  const std::string dir = temp_dir();
  const Day day = generate(dir + "/vol", /*calm=*/false);
  ASSERT_EQ(day.episodes.size(), 4u);
  // The generator's breakers, and two of the market's.
  const std::string config = day.dir + "/with_market.toml";
  write_file(config, text_of(day.dir + "/scenario.toml") +
                         "\n[breaker.mwcb]\nscope = \"market\"\ntrigger = \"mwcb\"\n"
                         "\n[breaker.turmoil]\nscope = \"market\"\ntrigger = \"open_share\"\ntrip = 20\nclear = 5\n");
  std::string first;
  // Under the sanitizers inline only (breakers_cli_test compares the layouts on other days).
  const std::vector<std::string> layouts = scaled(2, 1) == 2 ? std::vector<std::string>{"0", "2"}
                                                               : std::vector<std::string>{"0"};
  for (const std::string& workers : layouts) {
    const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", config,
                                                            "--workers", workers, "--journal",
                                                            day.dir + "/journal" + workers + ".jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The scenario's feed table names the journal per feed.
    const std::string journal = text_of(day.dir + "/journal" + workers + ".nasdaq.jsonl");
    ASSERT_FALSE(journal.empty());
    if (first.empty()) {
      first = journal;
      continue;
    }
    EXPECT_EQ(journal, first) << "workers " << workers;
  }
  const std::vector<JsonObject> lines = objects(day.dir + "/journal0.nasdaq.jsonl", "\"breaker\":");
  ASSERT_FALSE(lines.empty());

  // The open burst: the storm breaker within its 50 ms window (and a sixteenth of it).
  const JsonObject& burst = episode(day, "open_burst");
  const std::int64_t storm = opened(lines, "storm", "", num(burst, "start_ns"), num(burst, "end_ns"));
  ASSERT_GT(storm, 0);
  EXPECT_LE(storm - num(burst, "start_ns"), 50 * kMs + 50 * kMs / 16);

  // The shock: the volatility and band breakers of that stock within its 5 ms move.
  const JsonObject& shock = episode(day, "single_stock_shock");
  ASSERT_EQ(list(shock, "stocks").size(), 1u);
  const std::string shocked = list(shock, "stocks")[0];
  for (const char* name : {"vol", "band"}) {
    const std::int64_t t = opened(lines, name, shocked, num(shock, "start_ns"), num(shock, "start_ns") + 1'000 * kMs);
    ASSERT_GT(t, 0) << name;
    EXPECT_LE(t - num(shock, "start_ns"), 5 * kMs) << name;
  }

  // The crash: within its first second every stock of the sector has a breaker open, its
  // band's, or its halt's for a stock the exchange paused at its LULD band first; each paused
  // stock's halt breaker at its pause.
  const JsonObject& crash = episode(day, "sector_flash_crash");
  const std::int64_t crash_second = num(crash, "start_ns") + 1'000 * kMs;
  for (const std::string& stock : list(crash, "stocks")) {
    const std::int64_t band = opened(lines, "band", stock, num(crash, "start_ns"), crash_second);
    const std::int64_t halt = opened(lines, "halt", stock, num(crash, "start_ns"), crash_second);
    EXPECT_TRUE(band > 0 || halt > 0) << stock;
  }
  std::size_t paused = 0;
  for (const JsonObject& h : day.halts) {
    if (num(h, "episode") != num(crash, "id")) continue;
    ++paused;
    EXPECT_EQ(opened(lines, "halt", str(h, "stock"), num(h, "paused_ns"), num(h, "paused_ns") + kMs), num(h, "paused_ns"))
        << str(h, "stock");
  }
  EXPECT_GT(paused, 0u);

  // The decline: every stock's halt breaker by the market-wide halt.
  const JsonObject& decline = episode(day, "market_decline");
  for (const std::string& stock : list(decline, "stocks")) {
    // The W first, then an H for each stock, microseconds later.
    const std::int64_t t = opened(lines, "halt", stock, num(decline, "start_ns"), num(decline, "mwcb_ns") + kMs);
    EXPECT_GT(t, 0) << stock;
  }

  // The market's breakers: mwcb at the W, closed within a second of trading resuming (its
  // dwell, hold and probe); open_share on the way down, before the W.
  const std::int64_t mwcb = opened(lines, "mwcb", "", num(decline, "start_ns"), num(decline, "calm_ns"));
  EXPECT_GE(mwcb, num(decline, "mwcb_ns"));
  EXPECT_LE(mwcb, num(decline, "mwcb_ns") + kMs);
  std::int64_t mwcb_closed = -1;
  for (const JsonObject& o : lines) {
    if (str(o, "breaker") == "mwcb" && str(o, "state") == "closed") mwcb_closed = num(o, "exchange_time");
  }
  EXPECT_GE(mwcb_closed, num(decline, "mwcb_resumed_ns"));
  EXPECT_LE(mwcb_closed, num(decline, "mwcb_resumed_ns") + 1'000 * kMs);
  EXPECT_GT(opened(lines, "turmoil", "", num(decline, "start_ns"), num(decline, "mwcb_ns") + kMs), 0);

  // Only listed stocks open; each breaker (per stock) is closed before the next episode begins
  // and at the end of the day.
  std::map<std::string, std::int64_t> open_since;  // breaker/stock -> when it opened
  for (const JsonObject& o : lines) {
    const std::string who = str(o, "breaker") + "/" + str(o, "stock");
    const std::int64_t t = num(o, "exchange_time");
    if (str(o, "cause") == "tripped") {
      open_since[who] = t;
      if (str(o, "scope") != "security") continue;
      bool listed = false;
      for (const JsonObject& e : day.episodes) {
        if (t < num(e, "start_ns") || t > num(e, "calm_ns") + 15'000 * kMs) continue;
        const std::vector<std::string> stocks = list(e, "stocks");
        const std::vector<std::string> derived = list(e, "derived");
        listed |= std::count(stocks.begin(), stocks.end(), str(o, "stock")) +
                      std::count(derived.begin(), derived.end(), str(o, "stock")) != 0;
      }
      EXPECT_TRUE(listed) << who << " opened at " << t << " outside its episodes";
    }
    if (str(o, "state") == "closed") {
      for (const JsonObject& e : day.episodes) {
        const std::int64_t start = num(e, "start_ns");
        EXPECT_FALSE(open_since[who] < start && t > start) << who << " still open when " << str(e, "kind") << " began";
      }
      open_since.erase(who);
    }
  }
  EXPECT_TRUE(open_since.empty()) << open_since.size() << " still open at the end, e.g. " << open_since.begin()->first;
}

TEST(BreakerScenarios, ACalmDayOpensNoBreaker) {
  const Day day = generate(temp_dir() + "/calm", /*calm=*/true);
  EXPECT_TRUE(day.episodes.empty());
  const CommandResult r = run_command(tickwire_binary(), {"replay", "--config", day.dir + "/scenario.toml", "--stats",
                                                          "--journal", day.dir + "/journal.jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(figure(r.out, "feed.nasdaq.alerts.breaker_transitions"), "0") << r.out;
  EXPECT_TRUE(objects(day.dir + "/journal.nasdaq.jsonl", "\"breaker\":").empty());
}

}  // namespace
}  // namespace tickwire::test
