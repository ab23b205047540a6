#include "controlplane/patterns/pattern_catalog.h"

#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "dataplane/patterns/templates/basket_premium.h"
#include "dataplane/patterns/templates/correlation_break.h"
#include "dataplane/patterns/templates/cross_venue.h"
#include "dataplane/patterns/templates/lead_lag.h"
#include "dataplane/patterns/templates/pair_spread.h"
#include "dataplane/patterns/templates/sequence.h"

namespace tickwire::patterns {

namespace {

using Type = ParamInfo::Type;
constexpr double kDay = 86'400'000;  // ms

std::vector<TemplateInfo> build_templates() {
  return {
      {"cross_venue", "a security locked or crossed across feeds (a feed's bid at or above another's ask)", 1,
       kMaxLegs, true,
       {{"skip_halted", Type::kBool, "false", 0, 0, "leave out legs that are halted, paused or closed"}}},
      {"pair_spread", "two securities' spread A - beta * B leaving its window's mean by entry_z deviations", 2, 2,
       false,
       {{"window_ms", Type::kUnsigned, "60000", 1, kDay, "window of event time"},
        {"hedge_ratio", Type::kDouble, "1.0", -1e6, 1e6, "beta, when not rolling"},
        {"rolling_hedge", Type::kBool, "false", 0, 0, "beta is the least-squares slope of A on B over the window"},
        {"entry_z", Type::kDouble, "2.0", 0.01, 100, "|z| that signals a divergence"},
        {"exit_z", Type::kDouble, "0.5", 0, 100, "|z| within which a divergence has converged"},
        {"min_samples", Type::kUnsigned, "30", 2, 1e9, "samples the window needs before a z is taken"}}},
      {"correlation_break", "a pair's return correlation leaving its norm, on an event-time grid", 2, kMaxLegs,
       false,
       {{"grid_ms", Type::kUnsigned, "1000", 1, kDay, "returns are taken every this much event time"},
        {"window_ms", Type::kUnsigned, "60000", 1, kDay, "the recent window"},
        {"norm_window_ms", Type::kUnsigned, "600000", 1, kDay, "the norm's window"},
        {"threshold", Type::kDouble, "0.5", 0.01, 2, "departure of the correlation from its norm that signals"},
        {"min_samples", Type::kUnsigned, "20", 2, 1e9, "returns each window needs"}}},
      {"lead_lag", "the leader (first) moved and a follower not yet: its expected move", 2, kMaxLegs, false,
       {{"move_bps", Type::kDouble, "20", 0.01, 1e6, "the leader's move that counts, within within_ms"},
        {"follower_bps", Type::kDouble, "5", 0, 1e6, "a follower that moved this much has followed"},
        {"within_ms", Type::kUnsigned, "1000", 1, kDay, "window of event time"},
        {"expected_lag_us", Type::kUnsigned, "100000", 0, 1e12, "reported with the signal"},
        {"max_samples", Type::kUnsigned, "4096", 2, 1e7, "samples kept per leg and window"}}},
      {"basket_premium", "an ETF (its basket from the securities file) above or below its basket's value", 1, 1,
       false,
       {{"threshold_bps", Type::kUnsigned, "25", 1, 1e6, "premium or discount that signals"},
        {"max_stale_weight", Type::kDouble, "0.05", 0, 1,
         "share of the basket's value in stale or halted legs above which it is not judged"}}},
      {"sequence", "declared events on one security, in order, within a bound", 1, kMaxLegs, true,
       {{"steps", Type::kStrings, "", 0, 0,
         "the events in order, e.g. [\"level_removed depth<=0 x3\", \"trade\"]: kind (level_removed, "
         "level_changed, trade, top, halt, resume), then side=bid|ask, depth<=N, min_shares=N, xN"},
        {"within_us", Type::kUnsigned, "", 1, 1e12, "the bound, first event to last (required)"},
        {"same_side", Type::kBool, "false", 0, 0, "every event on the side of the first"},
        {"max_partial", Type::kUnsigned, "256", 1, 1e6, "partial matches kept; the oldest is evicted past it"}}},
  };
}

// A setting's TOML text as a node, or null.
std::unique_ptr<toml::table> parse_value(const std::string& text) {
  try {
    auto t = std::make_unique<toml::table>(toml::parse("v = " + text));
    if (t->size() == 1 && t->get("v") != nullptr) return t;
  } catch (const toml::parse_error&) {
  }
  return nullptr;
}

std::string check_value(const ParamInfo& p, const std::string& text) {
  const auto t = parse_value(text);
  if (!t) return "expected a value, got " + text;
  const toml::node& v = *t->get("v");
  switch (p.type) {
    case Type::kBool:
      return v.is_boolean() ? "" : "expected true or false, got " + text;
    case Type::kUnsigned: {
      if (!v.is_integer()) return "expected an integer, got " + text;
      const auto n = static_cast<double>(v.as_integer()->get());
      if (n < p.low || n > p.high) {
        std::ostringstream range;
        range << "expected an integer from " << static_cast<std::int64_t>(p.low) << " to "
              << static_cast<std::int64_t>(p.high) << ", got " << text;
        return range.str();
      }
      return "";
    }
    case Type::kDouble: {
      if (!v.is_number()) return "expected a number, got " + text;
      const double d = v.is_integer() ? static_cast<double>(v.as_integer()->get()) : v.as_floating_point()->get();
      if (!(d >= p.low && d <= p.high)) {
        std::ostringstream range;
        range << "expected a number from " << p.low << " to " << p.high << ", got " << text;
        return range.str();
      }
      return "";
    }
    case Type::kStrings: {
      const toml::array* a = v.as_array();
      if (a == nullptr || a->empty()) return "expected a list of strings, got " + text;
      for (const toml::node& item : *a) {
        if (!item.is_string()) return "expected a list of strings, got " + text;
      }
      return "";
    }
  }
  return "";
}

std::vector<std::string> strings_of(const std::string& text) {
  std::vector<std::string> out;
  if (const auto t = parse_value(text)) {
    if (const toml::array* a = t->get("v")->as_array()) {
      for (const toml::node& item : *a) {
        if (item.is_string()) out.push_back(item.as_string()->get());
      }
    }
  }
  return out;
}

// A step of a sequence: "kind [side=bid|ask] [depth<=N] [min_shares=N] [xN]".
bool parse_step(const std::string& text, SequenceStep& step, std::string& why) {
  std::istringstream in(text);
  std::string kind;
  in >> kind;
  static const std::pair<std::string_view, StepKind> kKinds[] = {
      {"level_removed", StepKind::kLevelRemoved}, {"level_changed", StepKind::kLevelChanged},
      {"trade", StepKind::kTrade}, {"top", StepKind::kTop}, {"halt", StepKind::kHalt}, {"resume", StepKind::kResume}};
  bool known = false;
  for (const auto& [name, k] : kKinds) {
    if (kind == name) {
      step.kind = k;
      known = true;
    }
  }
  if (!known) {
    why = "step \"" + text + "\": unknown kind '" + kind + "' (level_removed, level_changed, trade, top, halt, resume)";
    return false;
  }
  for (std::string word; in >> word;) {
    char* end = nullptr;
    if (word == "side=bid" || word == "side=ask") {
      step.side = word == "side=bid" ? 1 : 2;
    } else if (word.rfind("depth<=", 0) == 0) {
      const long n = std::strtol(word.c_str() + 7, &end, 10);
      if (*end != '\0' || n < 0 || n > 254) {
        why = "step \"" + text + "\": depth<=N, N from 0 to 254";
        return false;
      }
      step.max_depth = static_cast<std::uint8_t>(n);
    } else if (word.rfind("min_shares=", 0) == 0) {
      step.min_shares = std::strtoull(word.c_str() + 11, &end, 10);
      if (*end != '\0') {
        why = "step \"" + text + "\": min_shares=N";
        return false;
      }
    } else if (word.size() > 1 && word[0] == 'x') {
      const long n = std::strtol(word.c_str() + 1, &end, 10);
      if (*end != '\0' || n < 1 || n > 1'000'000) {
        why = "step \"" + text + "\": xN, N from 1 to 1000000";
        return false;
      }
      step.count = static_cast<std::uint32_t>(n);
    } else {
      why = "step \"" + text + "\": unknown filter '" + word + "' (side=bid|ask, depth<=N, min_shares=N, xN)";
      return false;
    }
  }
  return true;
}

// Reading a checked setting (or its default).
struct Reader {
  const PatternSpec& spec;
  const TemplateInfo& info;
  [[nodiscard]] std::string text(std::string_view name) const {
    if (const std::string* s = spec.setting(name)) return *s;
    for (const ParamInfo& p : info.params) {
      if (p.name == name) return std::string(p.fallback);
    }
    return "";
  }
  [[nodiscard]] double number(std::string_view name) const {
    const auto t = parse_value(text(name));
    if (!t) return 0;
    const toml::node& v = *t->get("v");
    return v.is_integer() ? static_cast<double>(v.as_integer()->get()) : v.value_or(0.0);
  }
  [[nodiscard]] std::uint64_t unsigned_number(std::string_view name) const {
    return static_cast<std::uint64_t>(std::llround(number(name)));
  }
  [[nodiscard]] bool flag(std::string_view name) const {
    const auto t = parse_value(text(name));
    return t && t->get("v")->value_or(false);
  }
};

std::vector<Symbol> symbols_of(const std::vector<std::string>& names) {
  std::vector<Symbol> out;
  for (const std::string& n : names) out.push_back(make_symbol(n));
  return out;
}

}  // namespace

const std::vector<TemplateInfo>& pattern_templates() {
  static const std::vector<TemplateInfo> kTemplates = build_templates();
  return kTemplates;
}

const TemplateInfo* find_template(std::string_view name) noexcept {
  for (const TemplateInfo& t : pattern_templates()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

bool parse_assignments(std::string_view text, std::vector<std::pair<std::string, std::string>>& out,
                       std::string& error) {
  std::size_t at = 0;
  auto skip_spaces = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  };
  for (skip_spaces(); at < text.size(); skip_spaces()) {
    const std::size_t equals = text.find('=', at);
    const std::size_t space = text.find_first_of(" \t", at);
    if (equals == std::string_view::npos || (space != std::string_view::npos && space < equals)) {
      error = "expected KEY=VALUE, got '" + std::string(text.substr(at, space == std::string_view::npos ? space : space - at)) + "'";
      return false;
    }
    const std::string key(text.substr(at, equals - at));
    at = equals + 1;
    // The value: to the matching bracket or quote, else to the next space.
    const std::size_t from = at;
    int depth = 0;
    bool quoted = false;
    for (; at < text.size(); ++at) {
      const char c = text[at];
      if (quoted) {
        if (c == '\\') ++at;
        else if (c == '"') quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if ((c == ' ' || c == '\t') && depth <= 0) {
        break;
      }
    }
    if (quoted || depth != 0) {
      error = key + ": an unclosed quote or bracket";
      return false;
    }
    std::string value(text.substr(from, at - from));
    if (key.empty() || value.empty()) {
      error = "expected KEY=VALUE, got '" + key + "=" + value + "'";
      return false;
    }
    if (!parse_value(value)) {
      std::string quoted_text;
      auto quote = [](std::string_view word) {
        std::string q = "\"";
        for (const char c : word) {
          if (c == '"' || c == '\\') q += '\\';
          q += c;
        }
        return q + "\"";
      };
      if (key == "securities" || key == "steps") {
        std::string list = "[";
        for (std::size_t start = 0; start <= value.size();) {
          const std::size_t comma = std::min(value.find(',', start), value.size());
          list += (list.size() == 1 ? "" : ", ") + quote(std::string_view(value).substr(start, comma - start));
          start = comma + 1;
        }
        value = list + "]";
      } else {
        value = quote(value);
      }
    }
    out.emplace_back(key, value);
  }
  return true;
}

std::string template_of(const PatternSpec& spec) {
  const std::string* text = spec.setting("template");
  const auto parsed = text != nullptr ? parse_value(*text) : nullptr;
  return parsed && parsed->get("v")->is_string() ? std::string(parsed->get("v")->as_string()->get()) : "";
}

std::string check_pattern(const PatternSpec& spec) {
  const std::string head = "pattern." + spec.name + ".";
  const std::string* template_text = spec.setting("template");
  if (template_text == nullptr) return head + "template: required (" + [] {
    std::string names;
    for (const TemplateInfo& t : pattern_templates()) names += (names.empty() ? "" : ", ") + std::string(t.name);
    return names;
  }() + ")";
  const TemplateInfo* info = find_template(template_of(spec));
  if (info == nullptr) {
    std::string names;
    for (const TemplateInfo& t : pattern_templates()) names += (names.empty() ? "" : ", ") + std::string(t.name);
    return head + "template: " + *template_text + " is no template (" + names + ")";
  }
  const std::string* securities_text = spec.setting("securities");
  if (securities_text == nullptr) return head + "securities: required (a list of symbols" +
                                         (info->every_security ? std::string(", or [\"*\"] for every security") : "") + ")";
  if (!check_value({"securities", Type::kStrings, "", 0, 0, ""}, *securities_text).empty()) {
    return head + "securities: expected a list of symbols, got " + *securities_text;
  }
  const std::vector<std::string> securities = strings_of(*securities_text);
  const bool every = securities.size() == 1 && securities[0] == "*";
  if (every && !info->every_security) return head + "securities: " + std::string(info->name) + " needs named securities";
  if (!every && (securities.size() < info->min_securities || securities.size() > info->max_securities)) {
    return head + "securities: " + std::string(info->name) + " takes " + std::to_string(info->min_securities) +
           (info->min_securities == info->max_securities ? "" : " to " + std::to_string(info->max_securities)) +
           " securities, got " + std::to_string(securities.size());
  }
  for (const std::string& s : securities) {
    if (s.empty() || s.size() > kMaxSymbol) return head + "securities: '" + s + "' is no symbol (1 to 24 bytes)";
  }
  for (const auto& [key, text] : spec.settings) {
    if (key == "template" || key == "securities") continue;
    const ParamInfo* param = nullptr;
    for (const ParamInfo& p : info->params) {
      if (p.name == key) param = &p;
    }
    if (param == nullptr) {
      std::string names;
      for (const ParamInfo& p : info->params) names += (names.empty() ? "" : ", ") + std::string(p.name);
      return head + key + ": not a parameter of " + std::string(info->name) + " (" + names + ")";
    }
    if (const std::string why = check_value(*param, text); !why.empty()) return head + key + ": " + why;
    if (param->name == "steps") {
      for (const std::string& step_text : strings_of(text)) {
        SequenceStep step;
        std::string why;
        if (!parse_step(step_text, step, why)) return head + key + ": " + why;
      }
    }
  }
  for (const ParamInfo& p : info->params) {
    if (p.fallback.empty() && spec.setting(p.name) == nullptr) return head + std::string(p.name) + ": required";
  }
  return "";
}

bool reference_changed(const PatternSpec& spec, const ReferenceData& before, const ReferenceData& after) {
  if (template_of(spec) != "basket_premium") return false;
  const std::vector<std::string> names = strings_of(*spec.setting("securities"));
  const SecurityReference* was = before.find(names[0]);
  const SecurityReference* is = after.find(names[0]);
  if (was == nullptr || is == nullptr) return was != is;
  return was->basket != is->basket || was->basket_cash != is->basket_cash || was->creation_unit != is->creation_unit;
}

std::unique_ptr<PatternInstance> make_pattern(const PatternSpec& spec, const ReferenceData& reference,
                                              std::uint32_t id, std::uint32_t version, std::uint32_t max_securities,
                                              std::string& error) {
  error = check_pattern(spec);
  if (!error.empty()) return nullptr;
  const auto template_value = parse_value(*spec.setting("template"));
  const TemplateInfo& info = *find_template(template_value->get("v")->as_string()->get());
  const Reader r{spec, info};
  const std::vector<std::string> names = strings_of(*spec.setting("securities"));
  const bool every = names.size() == 1 && names[0] == "*";
  const std::vector<Symbol> securities = every ? std::vector<Symbol>{} : symbols_of(names);
  constexpr std::uint64_t kMs = 1'000'000;
  constexpr std::uint64_t kUs = 1'000;
  if (info.name == "cross_venue") {
    auto p = std::make_unique<CrossVenue>(id, version, CrossVenueParams{securities, r.flag("skip_halted")},
                                          max_securities);
    if (!p->ok()) error = "pattern." + spec.name + ": cannot reserve its state";
    return p->ok() ? std::move(p) : nullptr;
  }
  if (info.name == "pair_spread") {
    PairSpreadParams p;
    p.securities = {securities[0], securities[1]};
    p.window_ns = r.unsigned_number("window_ms") * kMs;
    p.hedge_ratio = r.number("hedge_ratio");
    p.rolling_hedge = r.flag("rolling_hedge");
    p.entry_z = r.number("entry_z");
    p.exit_z = r.number("exit_z");
    p.min_samples = r.unsigned_number("min_samples");
    return std::make_unique<PairSpread>(id, version, p);
  }
  if (info.name == "correlation_break") {
    CorrelationBreakParams p;
    p.securities = securities;
    p.grid_ns = r.unsigned_number("grid_ms") * kMs;
    p.window_ns = r.unsigned_number("window_ms") * kMs;
    p.norm_window_ns = r.unsigned_number("norm_window_ms") * kMs;
    p.threshold = r.number("threshold");
    p.min_samples = r.unsigned_number("min_samples");
    return std::make_unique<CorrelationBreak>(id, version, p);
  }
  if (info.name == "lead_lag") {
    LeadLagParams p;
    p.securities = securities;
    p.move_bps = r.number("move_bps");
    p.follower_bps = r.number("follower_bps");
    p.within_ns = r.unsigned_number("within_ms") * kMs;
    p.expected_lag_ns = r.unsigned_number("expected_lag_us") * kUs;
    p.max_samples = r.unsigned_number("max_samples");
    return std::make_unique<LeadLag>(id, version, p);
  }
  if (info.name == "basket_premium") {
    const SecurityReference* etf = reference.find(names[0]);
    if (etf == nullptr || etf->basket.empty()) {
      error = "pattern." + spec.name + ".securities: " + names[0] +
              " has no basket in the securities file (patterns.securities_file)";
      return nullptr;
    }
    BasketPremiumParams p;
    p.etf = securities[0];
    for (const auto& [symbol, shares] : etf->basket) p.components.push_back({make_symbol(symbol), shares});
    p.cash = etf->basket_cash;
    p.unit_shares = etf->creation_unit;
    p.threshold_bps = static_cast<std::int64_t>(r.unsigned_number("threshold_bps"));
    p.max_stale_weight = r.number("max_stale_weight");
    return std::make_unique<BasketPremium>(id, version, std::move(p));
  }
  // sequence
  SequenceParams p;
  p.securities = securities;
  for (const std::string& step_text : strings_of(r.text("steps"))) {
    SequenceStep step;
    std::string ignored;
    (void)parse_step(step_text, step, ignored);  // checked above
    p.steps.push_back(step);
  }
  p.within_ns = r.unsigned_number("within_us") * kUs;
  p.same_side = r.flag("same_side");
  p.max_partial = static_cast<std::uint32_t>(r.unsigned_number("max_partial"));
  auto sequence = std::make_unique<Sequence>(id, version, std::move(p), max_securities);
  if (!sequence->ok()) {
    error = "pattern." + spec.name + ": cannot reserve its state";
    return nullptr;
  }
  return sequence;
}

std::string pattern_reference_markdown() {
  std::string out;
  for (const TemplateInfo& t : pattern_templates()) {
    out += "\n### template = \"" + std::string(t.name) + "\"\n\n" + std::string(t.description) + ". Securities: " +
           std::to_string(t.min_securities) +
           (t.min_securities == t.max_securities ? "" : " to " + std::to_string(t.max_securities)) +
           (t.every_security ? ", or [\"*\"] for every security" : "") + ".\n\n| key | default | what it sets |\n|---|---|---|\n";
    for (const ParamInfo& p : t.params) {
      out += "| `" + std::string(p.name) + "` | " + (p.fallback.empty() ? std::string("(required)") : "`" + std::string(p.fallback) + "`") +
             " | " + std::string(p.description) + " |\n";
    }
  }
  return out;
}

}  // namespace tickwire::patterns
