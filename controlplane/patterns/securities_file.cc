#include "controlplane/patterns/securities_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace tickwire::patterns {

namespace {

std::string at(std::string_view source, const toml::source_region& where, const std::string& key) {
  return std::string(source) + (where.begin.line != 0 ? ":" + std::to_string(where.begin.line) : "") + ": " + key;
}

}  // namespace

bool parse_price8(std::string_view text, Price8& out) {
  if (text.empty()) return false;
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 8 || (dot != std::string_view::npos && fraction.empty())) return false;
  // Digits only on either side of the dot (from_chars would take a sign of its own).
  const auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(fraction)) return false;
  std::int64_t units = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (ec != std::errc{} || end != whole.data() + whole.size() || units > INT64_MAX / kPrice8PerUnit) return false;
  std::int64_t fractional = 0;
  if (!fraction.empty()) {
    auto [fend, fec] = std::from_chars(fraction.data(), fraction.data() + fraction.size(), fractional);
    if (fec != std::errc{} || fend != fraction.data() + fraction.size()) return false;
    for (std::size_t i = fraction.size(); i < 8; ++i) fractional *= 10;
  }
  // The whole part was bounded above; the fraction may still carry it past the range.
  if (units * kPrice8PerUnit > INT64_MAX - fractional) return false;
  out = units * kPrice8PerUnit + fractional;
  if (negative) out = -out;
  return true;
}

bool parse_securities(std::string_view text, std::string_view source_name, ReferenceData& out, std::string& error) {
  toml::table doc;
  try {
    doc = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    error = std::string(source_name) + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description());
    return false;
  }
  ReferenceData data;
  for (auto&& [top, node] : doc) {
    if (top.str() != "security" || !node.is_table()) {
      error = at(source_name, node.source(), std::string(top.str())) + ": expected [security.SYMBOL] tables";
      return false;
    }
    for (auto&& [name, entry] : *node.as_table()) {
      const std::string key = "security." + std::string(name.str());
      const toml::table* t = entry.as_table();
      if (t == nullptr) {
        error = at(source_name, entry.source(), key) + ": expected a table";
        return false;
      }
      SecurityReference s;
      s.symbol = std::string(name.str());
      for (auto&& [field, value] : *t) {
        const std::string f(field.str());
        const std::string where = at(source_name, value.source(), key + "." + f);
        if (f == "sector" && value.is_string()) {
          s.sector = value.as_string()->get();
        } else if (f == "luld_tier" && value.is_integer() && value.as_integer()->get() >= 1 &&
                   value.as_integer()->get() <= 2) {
          s.luld_tier = static_cast<std::uint32_t>(value.as_integer()->get());
        } else if (f == "indexes" && value.is_array()) {
          for (const toml::node& i : *value.as_array()) {
            if (!i.is_string()) {
              error = where + ": expected a list of index names";
              return false;
            }
            s.indexes.push_back(i.as_string()->get());
          }
        } else if (f == "symbols" && value.is_table()) {
          for (auto&& [feed, symbol] : *value.as_table()) {
            if (!symbol.is_string()) {
              error = where + "." + std::string(feed.str()) + ": expected the feed's symbol, a string";
              return false;
            }
            s.on.emplace_back(std::string(feed.str()), symbol.as_string()->get());
          }
        } else if (f == "basket" && value.is_table()) {
          for (auto&& [component, shares] : *value.as_table()) {
            if (!shares.is_integer() || shares.as_integer()->get() <= 0) {
              error = where + "." + std::string(component.str()) + ": expected a positive number of shares";
              return false;
            }
            s.basket.emplace_back(std::string(component.str()), shares.as_integer()->get());
          }
        } else if (f == "basket_cash" && (value.is_string() || value.is_integer() || value.is_floating_point())) {
          std::ostringstream shown;
          bool read = false;
          if (value.is_floating_point()) {
            // A TOML float has no exact decimal digits: to the nearest 1e-8 (a string is exact).
            const double amount = value.as_floating_point()->get();
            shown << amount;
            read = std::isfinite(amount) && std::fabs(amount) < 9.2e10;
            if (read) s.basket_cash = static_cast<Price8>(std::llround(amount * static_cast<double>(kPrice8PerUnit)));
          } else {
            if (value.is_string()) {
              shown << value.as_string()->get();
            } else {
              value.visit([&shown](const auto& n) { shown << n; });
            }
            read = parse_price8(shown.str(), s.basket_cash);
          }
          if (!read) {
            error = where + ": expected an amount with at most 8 decimals, got " + shown.str();
            return false;
          }
        } else if (f == "creation_unit" && value.is_integer() && value.as_integer()->get() > 0) {
          s.creation_unit = value.as_integer()->get();
        } else {
          error = where + ": unknown key or wrong type (sector, indexes, luld_tier 1 or 2, symbols, basket, "
                          "basket_cash, creation_unit)";
          return false;
        }
      }
      if (!s.basket.empty() && s.creation_unit == 0) {
        error = at(source_name, entry.source(), key) + ": a basket needs creation_unit (ETF shares per unit)";
        return false;
      }
      data.securities.push_back(std::move(s));
    }
  }
  out = std::move(data);
  return true;
}

bool load_securities_file(const std::string& path, ReferenceData& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot be read";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_securities(text.str(), path, out, error);
}

}  // namespace tickwire::patterns
