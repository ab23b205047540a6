// `tickwire generate --venues` as a user runs it with `tickwire score`: a generated market on
// three venues replays with its own scenario.toml to one journal on every layout, and each
// template finds the episode injected for it. Apart from patterns_cli_test so that each stays
// well inside the integration timeout under the sanitizers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

std::string text_of(const std::string& path) {
  const Bytes bytes = read_file(path);
  return std::string(bytes.begin(), bytes.end());
}

CommandResult replay(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"replay", "--stats"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_command(tickwire_binary(), args);
}

// A generated market on three venues (tied mids, pairs, a correlated group, a leader and its
// followers, an ETF and its basket) with one episode of each kind, as short and small as the
// generator allows (a deterministic day: its figures are the same on every run): the
// scenario's own config replays it on every layout to one journal, and each template finds
// its episode.
TEST(MarketScenarioCli, AGeneratedThreeVenueMarketsEpisodesAreFoundByTheirTemplates) {
  const std::string dir = temp_dir() + "/market";
  const CommandResult g = run_command(tickwire_binary(), {"generate", "--venues", "nasdaq,bx,psx", "--out", dir,
                                                          "--seconds", "30", "--symbols", "29", "--episodes", "1"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("scenario.toml"), std::string::npos) << g.out;
  std::string first;
  for (const char* workers : {"0", "2"}) {
    for (const char* pattern_threads : {"0", "2"}) {
      // Under the sanitizers, the two layouts furthest apart.
      if (scaled(4, 2) < 4 && std::string(workers) != pattern_threads) continue;
      const std::string journal = dir + "/journal" + workers + pattern_threads + ".jsonl";
      const CommandResult r = replay({"--config", dir + "/scenario.toml", "--set",
                                      std::string("workers.count=") + workers, "--set",
                                      std::string("patterns.workers=") + pattern_threads, "--journal", journal});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(figure(r.out, "feed.nasdaq.gaps"), "0");
      if (first.empty()) {
        first = text_of(journal);
        continue;
      }
      EXPECT_EQ(text_of(journal), first) << workers << " " << pattern_threads;
    }
  }
  const CommandResult s = run_command(tickwire_binary(), {"score", "--stats", "--episodes", dir + "/episodes.jsonl",
                                                          dir + "/journal00.jsonl"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  for (const char* t : {"pair_spread", "correlation_break", "lead_lag", "basket_premium", "cross_venue"}) {
    EXPECT_EQ(figure(s.out, std::string("score.") + t + ".episodes"), "1") << s.out;
    EXPECT_EQ(figure(s.out, std::string("score.") + t + ".detected"), "1") << t << "\n" << s.out;
  }
  for (const char* t : {"pair_spread", "lead_lag", "basket_premium"}) {
    EXPECT_EQ(figure(s.out, std::string("score.") + t + ".false_signals"), "0") << t << "\n" << s.out;
  }
  // A journal that is not one is refused, naming the line.
  write_file(dir + "/bad.jsonl", "{\"template\":\"pair_spread\",\"signal\":\"divergence\"}\n");
  const CommandResult bad =
      run_command(tickwire_binary(), {"score", "--episodes", dir + "/episodes.jsonl", dir + "/bad.jsonl"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.jsonl:1:"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace tickwire::test
