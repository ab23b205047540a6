// A strict parser for the flat JSON objects tickwire prints (string, integer and boolean values,
// arrays of strings), so tests check real JSON, not substrings.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace tickwire::test {

using JsonValue = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;
using JsonObject = std::map<std::string, JsonValue>;

// Null when the line is not one flat JSON object, or repeats a key.
std::optional<JsonObject> parse_json_line(const std::string& line);

// A field of the type asked for, or "" / -1 / {} when it is missing or of another type.
std::string field_text(const JsonObject& o, const std::string& key);
std::int64_t field_int(const JsonObject& o, const std::string& key);
std::vector<std::string> field_list(const JsonObject& o, const std::string& key);

// The lines of `text` that hold `must_hold`, parsed once the fields named in `cut` (numbers
// that may have decimals, e.g. ",\"value\":") are cut out; a line that does not parse is
// left out and reported in `bad`.
std::vector<JsonObject> json_lines_cutting(const std::string& text, const std::string& must_hold,
                                           const std::vector<std::string>& cut, std::vector<std::string>* bad);

}  // namespace tickwire::test
