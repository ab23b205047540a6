// Scores pattern signals against the episodes a scenario injected (the `type":"episode"`
// lines of `tickwire generate --venues`' episodes.jsonl): per template, how many episodes it
// saw (recall), how many of its signals no episode explains (false signals), and how long
// after an episode began it spoke. Calibration (issue 24) ranks parameter sets on these.
//
// Definitions (docs/patterns.md, "Scoring against ground truth"):
// - A template's onset signals are the kinds that announce something: pair_spread
//   divergence, correlation_break correlation_break, lead_lag expected_move, basket_premium
//   premium or discount, cross_venue crossed. Convergences and locks are not scored.
// - An onset signal matches an episode of its template when its exchange time lies in
//   [start, end + grace] and it names the episode's key security: a pair_spread signal both
//   securities of the pair; the others the first security the episode lists (the broken
//   member, the leader, the ETF, the dislocated security).
// - An episode is detected when at least one signal matches it; its delay is the first
//   match's time minus its start.
// - A cross_venue crossed signal that matches no dislocation but comes within `latency_ns`
//   of the start or end of another episode moving that security is a latency cross: the
//   venues showed one move microseconds apart, so their books did cross. Counted apart,
//   neither detected nor false.
// - Every other onset signal is false.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::patterns {

struct ScoredEpisode {
  std::string kind;
  std::string template_name;
  std::vector<std::string> stocks;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

struct ScoredSignal {
  std::string template_name;
  std::string kind;
  std::vector<std::string> stocks;
  std::int64_t exchange_time = 0;
};

struct TemplateScore {
  std::string template_name;
  std::uint64_t episodes = 0;
  std::uint64_t detected = 0;
  std::uint64_t onset_signals = 0;
  std::uint64_t false_signals = 0;
  std::uint64_t latency_crosses = 0;
  std::vector<std::int64_t> delays_ns;  // one per detected episode, in episode order
  [[nodiscard]] double recall() const noexcept {
    return episodes == 0 ? 0.0 : static_cast<double>(detected) / static_cast<double>(episodes);
  }
  [[nodiscard]] double false_rate() const noexcept {
    return onset_signals == 0 ? 0.0 : static_cast<double>(false_signals) / static_cast<double>(onset_signals);
  }
};

struct ScoreSettings {
  std::int64_t grace_ns = 1'000'000'000;
  std::int64_t latency_ns = 1'000'000;
};

// One JSON line each; false (with `error` naming the problem) for a line that is an episode
// or a signal but lacks a field. Other lines are not theirs: `out` is left empty and true
// returned, with `taken` false.
[[nodiscard]] bool parse_episode_line(std::string_view line, ScoredEpisode& out, bool& taken, std::string& error);
[[nodiscard]] bool parse_signal_line(std::string_view line, ScoredSignal& out, bool& taken, std::string& error);

[[nodiscard]] bool is_onset(std::string_view template_name, std::string_view kind) noexcept;

// One score per template that has episodes or onset signals, in the order of the
// generator's episode kinds, then by name.
[[nodiscard]] std::vector<TemplateScore> score_signals(const std::vector<ScoredEpisode>& episodes,
                                                       const std::vector<ScoredSignal>& signals,
                                                       const ScoreSettings& settings);

}  // namespace tickwire::patterns
