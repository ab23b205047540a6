// Scoring pattern signals against injected episodes: what matches (template, key security,
// time within the episode plus grace), what is false, what a latency cross is, and lines
// that cannot be read.
#include <gtest/gtest.h>

#include "controlplane/patterns/episode_score.h"

namespace tickwire::patterns {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

ScoredEpisode episode(std::string templ, std::vector<std::string> stocks, std::int64_t start, std::int64_t end) {
  return {"k", std::move(templ), std::move(stocks), start, end};
}
ScoredSignal signal(std::string templ, std::string kind, std::vector<std::string> stocks, std::int64_t t) {
  return {std::move(templ), std::move(kind), std::move(stocks), t};
}
const TemplateScore& of(const std::vector<TemplateScore>& scores, const std::string& templ) {
  for (const TemplateScore& s : scores) {
    if (s.template_name == templ) return s;
  }
  static const TemplateScore none;
  ADD_FAILURE() << "no score for " << templ;
  return none;
}

TEST(EpisodeScore, ASignalMatchesItsEpisodeWithinTheGraceAndNamingItsKeySecurity) {
  const std::vector<ScoredEpisode> episodes = {episode("pair_spread", {"A", "B"}, 10 * kSecond, 14 * kSecond),
                                               episode("pair_spread", {"C", "D"}, 30 * kSecond, 34 * kSecond)};
  const std::vector<ScoredSignal> signals = {
      signal("pair_spread", "divergence", {"A", "B"}, 11 * kSecond),           // matches the first
      signal("pair_spread", "divergence", {"A", "B"}, 15 * kSecond),           // within the grace: matches too
      signal("pair_spread", "divergence", {"A", "B"}, 15 * kSecond + 1),       // past it: false
      signal("pair_spread", "divergence", {"C", "E"}, 31 * kSecond),           // not the pair: false
      signal("pair_spread", "divergence", {"C", "D"}, 30 * kSecond - 1),       // before the start: false
      signal("pair_spread", "convergence", {"C", "D"}, 33 * kSecond),          // not an onset: not scored
      signal("lead_lag", "expected_move", {"A", "B"}, 11 * kSecond),          // another template's
  };
  const auto scores = score_signals(episodes, signals, ScoreSettings{});
  const TemplateScore& pair = of(scores, "pair_spread");
  EXPECT_EQ(pair.episodes, 2u);
  EXPECT_EQ(pair.detected, 1u);
  EXPECT_DOUBLE_EQ(pair.recall(), 0.5);
  EXPECT_EQ(pair.onset_signals, 5u);
  EXPECT_EQ(pair.false_signals, 3u);
  ASSERT_EQ(pair.delays_ns.size(), 1u);
  EXPECT_EQ(pair.delays_ns[0], kSecond);
  const TemplateScore& lead = of(scores, "lead_lag");
  EXPECT_EQ(lead.episodes, 0u);
  EXPECT_EQ(lead.false_signals, 1u);
}

TEST(EpisodeScore, OtherTemplatesMatchOnTheFirstSecurityTheEpisodeLists) {
  const std::vector<ScoredEpisode> episodes = {
      episode("lead_lag", {"L", "F1", "F2"}, 10 * kSecond, 10 * kSecond + 80'000'000),
      episode("correlation_break", {"G3"}, 20 * kSecond, 25 * kSecond)};
  const std::vector<ScoredSignal> signals = {
      signal("lead_lag", "expected_move", {"F1", "F2"}, 10 * kSecond + 1),  // the leader not named: false
      signal("lead_lag", "expected_move", {"L", "F2"}, 10 * kSecond + 2),
      signal("correlation_break", "correlation_break", {"G1", "G3"}, 22 * kSecond),
      signal("correlation_break", "correlation_break", {"G1", "G2"}, 22 * kSecond)};  // false
  const auto scores = score_signals(episodes, signals, ScoreSettings{});
  EXPECT_EQ(of(scores, "lead_lag").detected, 1u);
  EXPECT_EQ(of(scores, "lead_lag").false_signals, 1u);
  EXPECT_EQ(of(scores, "lead_lag").delays_ns, std::vector<std::int64_t>{2});
  EXPECT_EQ(of(scores, "correlation_break").detected, 1u);
  EXPECT_EQ(of(scores, "correlation_break").false_signals, 1u);
}

TEST(EpisodeScore, ACrossAtAnotherEpisodesMoveIsALatencyCrossNotAFalseSignal) {
  const std::vector<ScoredEpisode> episodes = {
      episode("cross_venue", {"X"}, 10 * kSecond, 10 * kSecond + 300'000'000),
      episode("lead_lag", {"L", "F"}, 20 * kSecond, 20 * kSecond + 80'000'000)};
  const std::vector<ScoredSignal> signals = {
      signal("cross_venue", "crossed", {"X"}, 10 * kSecond + 5),
      signal("cross_venue", "locked", {"Y"}, 12 * kSecond),                        // locks are not scored
      signal("cross_venue", "crossed", {"L"}, 20 * kSecond + 20'000),              // the jump, venues apart
      signal("cross_venue", "crossed", {"F"}, 20 * kSecond + 80'000'000 + 30'000),  // the followers, a lag later
      signal("cross_venue", "crossed", {"L"}, 20 * kSecond + 2'000'000),           // too late for latency
      signal("cross_venue", "crossed", {"Z"}, 15 * kSecond)};                      // nothing moved Z
  const auto scores = score_signals(episodes, signals, ScoreSettings{});
  const TemplateScore& xv = of(scores, "cross_venue");
  EXPECT_EQ(xv.detected, 1u);
  EXPECT_EQ(xv.onset_signals, 5u);
  EXPECT_EQ(xv.latency_crosses, 2u);
  EXPECT_EQ(xv.false_signals, 2u);
  EXPECT_DOUBLE_EQ(xv.false_rate(), 0.4);
}

TEST(EpisodeScore, LinesAreReadAsTheGeneratorAndTheJournalWriteThem) {
  ScoredEpisode e;
  bool taken = false;
  std::string error;
  ASSERT_TRUE(parse_episode_line(
      R"({"type":"episode","kind":"pair_divergence","template":"pair_spread","stocks":["A","B"],"start_ns":5,"end_ns":9,"size_bps":"40.00"})",
      e, taken, error));
  EXPECT_TRUE(taken);
  EXPECT_EQ(e.template_name, "pair_spread");
  EXPECT_EQ(e.stocks, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(e.start_ns, 5);
  EXPECT_EQ(e.end_ns, 9);
  ASSERT_TRUE(parse_episode_line(R"({"type":"venue","feed":"bx"})", e, taken, error));
  EXPECT_FALSE(taken);
  EXPECT_FALSE(parse_episode_line(R"({"type":"episode","kind":"x","template":"t","stocks":["A"]})", e, taken, error));
  EXPECT_NE(error.find("start_ns"), std::string::npos);
  EXPECT_FALSE(parse_episode_line(
      R"({"type":"episode","kind":"x","template":"t","stocks":["A"],"start_ns":9,"end_ns":5})", e, taken, error));

  ScoredSignal s;
  ASSERT_TRUE(parse_signal_line(
      R"({"seq":1,"feed":"psx","pattern":"p","template":"pair_spread","signal":"divergence","stocks":["A","B"],"exchange_time":34305680893000,"score":-5.0039,"version":1,"direction":"buy","legs":[{"stock":"A","mid2":1},{"stock":"B","mid2":2}]})",
      s, taken, error));
  EXPECT_TRUE(taken);
  EXPECT_EQ(s.kind, "divergence");
  EXPECT_EQ(s.exchange_time, 34305680893000);
  EXPECT_EQ(s.stocks, (std::vector<std::string>{"A", "B"}));
  // A feed's own signal line has no template; a truncated line is nobody's.
  ASSERT_TRUE(parse_signal_line(R"({"seq":2,"signal":"liquidity_drop","stock":"A"})", s, taken, error));
  EXPECT_FALSE(taken);
  ASSERT_TRUE(parse_signal_line(R"({"seq":3,"template":"pair_spread","sig)", s, taken, error));
  EXPECT_FALSE(taken);
  EXPECT_FALSE(parse_signal_line(R"({"template":"pair_spread","signal":"divergence","stocks":["A"]})", s, taken, error));
}

}  // namespace
}  // namespace tickwire::patterns
