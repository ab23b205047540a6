#include "controlplane/cli/score_command.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "controlplane/patterns/episode_score.h"

namespace tickwire::cli {

namespace {

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2;

constexpr const char* kUsage = R"(usage: tickwire score --episodes FILE [options] JOURNAL...

Scores the pattern signals of journals against the episodes a scenario injected (the
episodes.jsonl of `tickwire generate --venues`): per template, episodes detected (recall),
onset signals no episode explains (false signals) and the delay of the first detection.
docs/patterns.md ("Scoring against ground truth") defines each figure.

  --episodes FILE   the scenario's episodes.jsonl
  --grace-ms N      a signal up to N ms after an episode's end still matches it (default 1000)
  --stats           key value lines (score.TEMPLATE.recall ...) instead of the table
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "tickwire score: %s\n(tickwire score --help for the options)\n", message.c_str());
  return kExitUsage;
}

template <class Item, class Parse>
bool read_lines(const std::string& path, std::vector<Item>& out, Parse parse) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tickwire score: %s: cannot open\n", path.c_str());
    return false;
  }
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    Item item;
    bool taken = false;
    std::string error;
    if (!parse(line, item, taken, error)) {
      std::fprintf(stderr, "tickwire score: %s:%llu: %s\n", path.c_str(), static_cast<unsigned long long>(number),
                   error.c_str());
      return false;
    }
    if (taken) out.push_back(std::move(item));
  }
  return true;
}

double median_ms(std::vector<std::int64_t> delays) {
  if (delays.empty()) return 0;
  std::sort(delays.begin(), delays.end());
  const std::size_t n = delays.size();
  const double mid = n % 2 == 1 ? static_cast<double>(delays[n / 2])
                                 : (static_cast<double>(delays[n / 2 - 1]) + static_cast<double>(delays[n / 2])) / 2;
  return mid / 1e6;
}

}  // namespace

int run_score_command(int argc, char** argv) {
  std::string episodes_path;
  std::vector<std::string> journals;
  patterns::ScoreSettings settings;
  bool stats = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (arg == "--episodes" || arg == "--grace-ms") {
      if (i + 1 >= argc) return usage_error(arg + ": needs a value");
      const std::string value = argv[++i];
      if (arg == "--episodes") {
        episodes_path = value;
      } else {
        char* end = nullptr;
        const unsigned long long ms = std::strtoull(value.c_str(), &end, 10);
        if (value.empty() || value[0] == '-' || *end != '\0' || ms > 86'400'000) {
          return usage_error("--grace-ms: '" + value + "' is not a whole number of ms up to a day");
        }
        settings.grace_ns = static_cast<std::int64_t>(ms) * 1'000'000;
      }
    } else if (arg == "--stats") {
      stats = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else {
      journals.push_back(arg);
    }
  }
  if (episodes_path.empty()) return usage_error("--episodes: the scenario's episodes.jsonl is required");
  if (journals.empty()) return usage_error("name a journal to score");
  std::vector<patterns::ScoredEpisode> episodes;
  if (!read_lines(episodes_path, episodes, patterns::parse_episode_line)) return kExitFailed;
  if (episodes.empty()) {
    std::fprintf(stderr, "tickwire score: %s: no episode lines\n", episodes_path.c_str());
    return kExitFailed;
  }
  std::vector<patterns::ScoredSignal> signals;
  for (const std::string& j : journals) {
    if (!read_lines(j, signals, patterns::parse_signal_line)) return kExitFailed;
  }
  const auto scores = patterns::score_signals(episodes, signals, settings);
  if (!stats) {
    std::printf("%-18s %8s %8s %7s %8s %6s %7s %8s %13s\n", "template", "episodes", "detected", "recall", "signals",
                "false", "false%", "latency", "median delay");
  }
  for (const patterns::TemplateScore& s : scores) {
    const double delay = median_ms(s.delays_ns);
    if (stats) {
      const char* t = s.template_name.c_str();
      std::printf("score.%s.episodes %llu\nscore.%s.detected %llu\nscore.%s.recall %.4f\n", t,
                  static_cast<unsigned long long>(s.episodes), t, static_cast<unsigned long long>(s.detected), t,
                  s.recall());
      std::printf("score.%s.onset_signals %llu\nscore.%s.false_signals %llu\nscore.%s.false_rate %.4f\n", t,
                  static_cast<unsigned long long>(s.onset_signals), t, static_cast<unsigned long long>(s.false_signals),
                  t, s.false_rate());
      std::printf("score.%s.latency_crosses %llu\nscore.%s.median_delay_ms %.3f\n", t,
                  static_cast<unsigned long long>(s.latency_crosses), t, delay);
    } else {
      std::printf("%-18s %8llu %8llu %6.1f%% %8llu %6llu %6.1f%% %8llu %10.3f ms\n", s.template_name.c_str(),
                  static_cast<unsigned long long>(s.episodes), static_cast<unsigned long long>(s.detected),
                  100 * s.recall(), static_cast<unsigned long long>(s.onset_signals),
                  static_cast<unsigned long long>(s.false_signals), 100 * s.false_rate(),
                  static_cast<unsigned long long>(s.latency_crosses), delay);
    }
  }
  return kExitOk;
}

}  // namespace tickwire::cli
