#include "tests/support/json_line.h"

#include <cctype>

namespace tickwire::test {

namespace {

struct Cursor {
  const std::string& s;
  std::size_t i = 0;
  void skip_space() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool eat(char c) {
    skip_space();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
};

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> parse_string(Cursor& c) {
  if (!c.eat('"')) return std::nullopt;
  std::string out;
  while (c.i < c.s.size()) {
    const char ch = c.s[c.i++];
    if (ch == '"') return out;
    if (static_cast<unsigned char>(ch) < 0x20) return std::nullopt;
    if (ch != '\\') {
      out += ch;
      continue;
    }
    if (c.i >= c.s.size()) return std::nullopt;
    const char e = c.s[c.i++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        if (c.i + 4 > c.s.size()) return std::nullopt;
        int v = 0;
        for (int k = 0; k < 4; ++k) {
          const int h = hex(c.s[c.i++]);
          if (h < 0) return std::nullopt;
          v = v * 16 + h;
        }
        if (v > 0xFF) return std::nullopt;  // tickwire only escapes single bytes
        out += static_cast<char>(v);
        break;
      }
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_integer(Cursor& c) {
  c.skip_space();
  const std::size_t start = c.i;
  if (c.i < c.s.size() && c.s[c.i] == '-') ++c.i;
  const std::size_t digits = c.i;
  while (c.i < c.s.size() && std::isdigit(static_cast<unsigned char>(c.s[c.i]))) ++c.i;
  if (c.i == digits) return std::nullopt;
  if (c.s[digits] == '0' && c.i - digits > 1) return std::nullopt;  // no leading zeros in JSON
  return std::stoll(c.s.substr(start, c.i - start));
}

}  // namespace

std::optional<JsonObject> parse_json_line(const std::string& line) {
  Cursor c{line};
  JsonObject obj;
  if (!c.eat('{')) return std::nullopt;
  if (c.eat('}')) return obj;
  do {
    c.skip_space();
    auto key = parse_string(c);
    if (!key || !c.eat(':')) return std::nullopt;
    c.skip_space();
    JsonValue value;
    if (c.i < line.size() && line[c.i] == '"') {
      auto s = parse_string(c);
      if (!s) return std::nullopt;
      value = *s;
    } else if (c.eat('[')) {
      std::vector<std::string> items;
      if (!c.eat(']')) {
        do {
          c.skip_space();
          auto item = parse_string(c);
          if (!item) return std::nullopt;
          items.push_back(*item);
        } while (c.eat(','));
        if (!c.eat(']')) return std::nullopt;
      }
      value = std::move(items);
    } else if (line.compare(c.i, 4, "true") == 0) {
      value = true;
      c.i += 4;
    } else if (line.compare(c.i, 5, "false") == 0) {
      value = false;
      c.i += 5;
    } else {
      auto n = parse_integer(c);
      if (!n) return std::nullopt;
      value = *n;
    }
    if (!obj.emplace(*key, value).second) return std::nullopt;
  } while (c.eat(','));
  if (!c.eat('}')) return std::nullopt;
  c.skip_space();
  if (c.i != line.size()) return std::nullopt;
  return obj;
}

std::string field_text(const JsonObject& o, const std::string& key) {
  const auto it = o.find(key);
  return it != o.end() && std::holds_alternative<std::string>(it->second) ? std::get<std::string>(it->second) : "";
}

std::int64_t field_int(const JsonObject& o, const std::string& key) {
  const auto it = o.find(key);
  return it != o.end() && std::holds_alternative<std::int64_t>(it->second) ? std::get<std::int64_t>(it->second) : -1;
}

std::vector<std::string> field_list(const JsonObject& o, const std::string& key) {
  const auto it = o.find(key);
  return it != o.end() && std::holds_alternative<std::vector<std::string>>(it->second)
             ? std::get<std::vector<std::string>>(it->second)
             : std::vector<std::string>{};
}

std::vector<JsonObject> json_lines_cutting(const std::string& text, const std::string& must_hold,
                                           const std::vector<std::string>& cut, std::vector<std::string>* bad) {
  std::vector<JsonObject> out;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(from, end - from);
    from = end + 1;
    if (line.find(must_hold) == std::string::npos) continue;
    std::string flat = line;
    for (const std::string& key : cut) {
      const std::size_t at = flat.find(key);
      if (at != std::string::npos) flat.erase(at, flat.find_first_of(",}", at + 1) - at);
    }
    if (const auto o = parse_json_line(flat)) {
      out.push_back(*o);
    } else if (bad != nullptr) {
      bad->push_back(line);
    }
  }
  return out;
}

}  // namespace tickwire::test
