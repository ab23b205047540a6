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

}  // namespace tickwire::test
