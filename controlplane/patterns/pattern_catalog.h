// The pattern templates a [pattern.NAME] table may name, what each takes (parameters with
// their type, default and range; how many securities, and whether ["*"] means every one),
// the check of a table against that, and the building of its instance.
//
//   [pattern.spy_qqq]
//   template = "pair_spread"
//   securities = ["SPY", "QQQ"]
//   window_ms = 60000
//   entry_z = 2.5
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/patterns/pattern_instance.h"
#include "dataplane/patterns/reference_data.h"

namespace tickwire::patterns {

// A [pattern.NAME] table as the configuration keeps it: its keys with their TOML text.
struct PatternSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> settings;
  friend bool operator==(const PatternSpec&, const PatternSpec&) = default;
  [[nodiscard]] const std::string* setting(std::string_view key) const noexcept {
    for (const auto& [k, v] : settings) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

struct ParamInfo {
  enum class Type : std::uint8_t { kUnsigned, kDouble, kBool, kStrings };
  std::string_view name;
  Type type;
  std::string_view fallback;  // TOML text of the default; empty: required
  double low = 0;
  double high = 0;
  std::string_view description;
};

struct TemplateInfo {
  std::string_view name;
  std::string_view description;
  std::size_t min_securities;
  std::size_t max_securities;
  bool every_security;  // securities = ["*"] allowed
  std::vector<ParamInfo> params;
};

[[nodiscard]] const std::vector<TemplateInfo>& pattern_templates();
[[nodiscard]] const TemplateInfo* find_template(std::string_view name) noexcept;

// The template a table names ("" when it names none).
[[nodiscard]] std::string template_of(const PatternSpec& spec);

// "" when the table is good; else "pattern.NAME.KEY: why" (KEY "template" when it names no
// known template, "securities" when their number does not fit).
[[nodiscard]] std::string check_pattern(const PatternSpec& spec);

// The instance of a checked table. Null with `error` when the reference data lacks what it
// needs (an ETF's basket).
[[nodiscard]] std::unique_ptr<PatternInstance> make_pattern(const PatternSpec& spec, const ReferenceData& reference,
                                                            std::uint32_t id, std::uint32_t version,
                                                            std::uint32_t max_securities, std::string& error);

// Whether reloading the securities file from `before` to `after` changes what an instance of
// `spec` is built from (basket_premium: its ETF's basket, cash and creation unit). Such an
// instance is rebuilt at a new version, its state started afresh; the others run on.
[[nodiscard]] bool reference_changed(const PatternSpec& spec, const ReferenceData& before, const ReferenceData& after);

// The KEY=VALUE words of a command (`tickwire ctl pattern add NAME template=pair_spread
// securities=SPY,QQQ entry_z=2.5`) as a table's settings: a VALUE is TOML (a quoted string,
// a number, a list in brackets), or a bare word taken as a string, and for `securities` and
// `steps` a bare comma list taken as a list of strings. False with `error` naming the word.
[[nodiscard]] bool parse_assignments(std::string_view text, std::vector<std::pair<std::string, std::string>>& out,
                                     std::string& error);

// Every template's parameters as Markdown tables (docs/configuration.md).
[[nodiscard]] std::string pattern_reference_markdown();

}  // namespace tickwire::patterns
