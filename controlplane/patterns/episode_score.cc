#include "controlplane/patterns/episode_score.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

namespace tickwire::patterns {

namespace {

// The fields of one JSON object that scoring reads: strings, integers and arrays of
// strings at its top level; other values (decimals, booleans, null, nested objects) are
// skipped over.
struct FlatFields {
  std::map<std::string, std::string, std::less<>> strings;
  std::map<std::string, std::int64_t, std::less<>> integers;
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
};

class FlatReader {
 public:
  explicit FlatReader(std::string_view text) : s_(text) {}

  bool read(FlatFields& out) {
    skip_space();
    if (!take('{')) return false;
    skip_space();
    if (take('}')) return true;
    for (;;) {
      std::string key;
      skip_space();
      if (!string(key)) return false;
      skip_space();
      if (!take(':')) return false;
      skip_space();
      if (!value(key, out)) return false;
      skip_space();
      if (take('}')) return true;
      if (!take(',')) return false;
    }
  }

 private:
  bool value(const std::string& key, FlatFields& out) {
    if (at_end()) return false;
    const char c = s_[i_];
    if (c == '"') {
      std::string v;
      if (!string(v)) return false;
      out.strings[key] = std::move(v);
      return true;
    }
    if (c == '[') {
      ++i_;
      std::vector<std::string> list;
      skip_space();
      if (take(']')) {
        out.lists[key] = std::move(list);
        return true;
      }
      for (;;) {
        skip_space();
        std::string v;
        if (!at_end() && s_[i_] == '"') {
          if (!string(v)) return false;
          list.push_back(std::move(v));
        } else if (!at_end() && (s_[i_] == '{' || s_[i_] == '[')) {
          if (!skip_nested()) return false;  // legs' values and the like: not read here
        } else if (scalar(v)) {
          list.push_back(std::move(v));
        } else {
          return false;
        }
        skip_space();
        if (take(']')) break;
        if (!take(',')) return false;
      }
      out.lists[key] = std::move(list);
      return true;
    }
    if (c == '{') return skip_nested();
    std::string text;
    if (!scalar(text)) return false;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc() && end == text.data() + text.size()) out.integers[key] = n;
    return true;
  }
  // Skips an object or array whole, strings inside included.
  bool skip_nested() {
    int depth = 0;
    while (!at_end()) {
      const char c = s_[i_];
      if (c == '"') {
        std::string ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++i_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }
  bool scalar(std::string& out) {
    const std::size_t from = i_;
    while (!at_end() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ') ++i_;
    out.assign(s_.substr(from, i_ - from));
    return !out.empty();
  }
  bool string(std::string& out) {
    if (!take('"')) return false;
    while (!at_end()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (at_end()) return false;
        const char e = s_[i_++];
        if (e == 'u') {
          if (s_.size() - i_ < 4) return false;
          i_ += 4;
          out += '?';
        } else {
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
      } else {
        out += c;
      }
    }
    return false;
  }
  void skip_space() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
  }
  bool take(char c) {
    if (at_end() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  [[nodiscard]] bool at_end() const { return i_ >= s_.size(); }

  std::string_view s_;
  std::size_t i_ = 0;
};

template <class Map>
auto* field(Map& map, std::string_view key) {
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// The generator's episode kinds, in order, with the template meant to see each.
constexpr std::array<std::string_view, 5> kTemplateOrder = {"pair_spread", "correlation_break", "lead_lag",
                                                            "basket_premium", "cross_venue"};

bool names(const ScoredSignal& s, const ScoredEpisode& e) {
  if (e.stocks.empty()) return false;
  auto has = [&](const std::string& symbol) { return std::find(s.stocks.begin(), s.stocks.end(), symbol) != s.stocks.end(); };
  if (e.template_name == "pair_spread") {
    return std::all_of(e.stocks.begin(), e.stocks.end(), has);
  }
  return has(e.stocks.front());
}

bool within(std::int64_t t, std::int64_t from, std::int64_t to) { return t >= from && t <= to; }

}  // namespace

bool is_onset(std::string_view template_name, std::string_view kind) noexcept {
  if (template_name == "pair_spread") return kind == "divergence";
  if (template_name == "correlation_break") return kind == "correlation_break";
  if (template_name == "lead_lag") return kind == "expected_move";
  if (template_name == "basket_premium") return kind == "premium" || kind == "discount";
  if (template_name == "cross_venue") return kind == "crossed";
  return kind != "locked" && kind != "convergence";
}

bool parse_episode_line(std::string_view line, ScoredEpisode& out, bool& taken, std::string& error) {
  taken = false;
  FlatFields f;
  if (!FlatReader(line).read(f)) return true;  // not a line of ours
  const std::string* type = field(f.strings, "type");
  if (type == nullptr || *type != "episode") return true;
  taken = true;
  const std::string* kind = field(f.strings, "kind");
  const std::string* templ = field(f.strings, "template");
  const std::vector<std::string>* stocks = field(f.lists, "stocks");
  const std::int64_t* start = field(f.integers, "start_ns");
  const std::int64_t* end = field(f.integers, "end_ns");
  if (kind == nullptr || templ == nullptr || stocks == nullptr || start == nullptr || end == nullptr) {
    error = "an episode needs kind, template, stocks, start_ns and end_ns";
    return false;
  }
  if (*end < *start) {
    error = "an episode ends before it starts";
    return false;
  }
  out = {*kind, *templ, *stocks, *start, *end};
  return true;
}

bool parse_signal_line(std::string_view line, ScoredSignal& out, bool& taken, std::string& error) {
  taken = false;
  FlatFields f;
  if (!FlatReader(line).read(f)) return true;
  const std::string* templ = field(f.strings, "template");
  const std::string* kind = field(f.strings, "signal");
  if (templ == nullptr || kind == nullptr) return true;  // a feed's own line, a notice
  taken = true;
  const std::vector<std::string>* stocks = field(f.lists, "stocks");
  const std::int64_t* t = field(f.integers, "exchange_time");
  if (stocks == nullptr || t == nullptr) {
    error = "a pattern signal needs stocks and exchange_time";
    return false;
  }
  out = {*templ, *kind, *stocks, *t};
  return true;
}

std::vector<TemplateScore> score_signals(const std::vector<ScoredEpisode>& episodes,
                                         const std::vector<ScoredSignal>& signals, const ScoreSettings& settings) {
  std::vector<std::string> templates(kTemplateOrder.begin(), kTemplateOrder.end());
  std::vector<std::string> others;
  auto note = [&](const std::string& t) {
    if (std::find(templates.begin(), templates.end(), t) == templates.end() &&
        std::find(others.begin(), others.end(), t) == others.end()) {
      others.push_back(t);
    }
  };
  for (const ScoredEpisode& e : episodes) note(e.template_name);
  for (const ScoredSignal& s : signals) note(s.template_name);
  std::sort(others.begin(), others.end());
  templates.insert(templates.end(), others.begin(), others.end());

  std::vector<TemplateScore> scores;
  for (const std::string& t : templates) {
    TemplateScore score;
    score.template_name = t;
    std::vector<const ScoredSignal*> onset;
    for (const ScoredSignal& s : signals) {
      if (s.template_name == t && is_onset(t, s.kind)) onset.push_back(&s);
    }
    std::vector<bool> matched(onset.size(), false);
    for (const ScoredEpisode& e : episodes) {
      if (e.template_name != t) continue;
      ++score.episodes;
      std::optional<std::int64_t> first;
      for (std::size_t k = 0; k < onset.size(); ++k) {
        const ScoredSignal& s = *onset[k];
        if (!within(s.exchange_time, e.start_ns, e.end_ns + settings.grace_ns) || !names(s, e)) continue;
        matched[k] = true;
        if (!first || s.exchange_time < *first) first = s.exchange_time;
      }
      if (first) {
        ++score.detected;
        score.delays_ns.push_back(*first - e.start_ns);
      }
    }
    score.onset_signals = onset.size();
    for (std::size_t k = 0; k < onset.size(); ++k) {
      if (matched[k]) continue;
      const ScoredSignal& s = *onset[k];
      bool latency = false;
      if (t == "cross_venue") {
        for (const ScoredEpisode& e : episodes) {
          const bool moves = std::find(e.stocks.begin(), e.stocks.end(), s.stocks.empty() ? "" : s.stocks.front()) !=
                             e.stocks.end();
          if (moves && (within(s.exchange_time, e.start_ns, e.start_ns + settings.latency_ns) ||
                        within(s.exchange_time, e.end_ns, e.end_ns + settings.latency_ns))) {
            latency = true;
          }
        }
      }
      ++(latency ? score.latency_crosses : score.false_signals);
    }
    if (score.episodes != 0 || score.onset_signals != 0) scores.push_back(std::move(score));
  }
  return scores;
}

}  // namespace tickwire::patterns
