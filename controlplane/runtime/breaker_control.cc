#include "controlplane/runtime/breaker_control.h"

#include <algorithm>
#include <cstdio>

namespace tickwire::runtime {

namespace {

constexpr std::string_view kUsage =
    "error: breaker list | breaker set NAME.KEY=VALUE | breaker open|close|auto NAME [STOCK]";

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

}  // namespace

std::string BreakerControl::handle(const std::vector<std::string>& words) {
  if (words.size() == 2 && words[1] == "list") return list();
  if (words.size() >= 3 && words[1] == "set") {
    std::string assignment;
    for (std::size_t i = 2; i < words.size(); ++i) assignment += words[i];
    return set(assignment);
  }
  if (words.size() >= 3 && words.size() <= 4) {
    if (words[1] == "open") return override(breakers::Override::kOpen, words);
    if (words[1] == "close") return override(breakers::Override::kClose, words);
    if (words[1] == "auto") return override(breakers::Override::kAuto, words);
  }
  return std::string(kUsage);
}

std::string BreakerControl::list() const {
  if (live.breaker_tables.empty()) return "ok: no breakers ([breaker.NAME] tables) in this session";
  std::string out = "ok\n";
  for (const breakers::BreakerSpec& b : live.breaker_tables) {
    out += b.name + " scope=" + std::string(breakers::kScopeNames[static_cast<std::size_t>(b.scope)]) +
           " trigger=" + std::string(breakers::kTriggerNames[static_cast<std::size_t>(b.trigger)]) +
           " trip=" + number(b.trip) + " clear=" + number(b.clear) +
           " window_ms=" + number(static_cast<double>(b.window_ns) / 1e6) +
           " mode=" + std::string(breakers::kModeNames[static_cast<std::size_t>(b.mode)]) + "\n";
  }
  return out;
}

std::string BreakerControl::set(const std::string& assignment) {
  const std::string key = assignment.substr(0, assignment.find('='));
  const std::string name = key.substr(0, key.find('.'));
  const auto at = std::find_if(live.breaker_tables.begin(), live.breaker_tables.end(),
                               [&](const breakers::BreakerSpec& b) { return b.name == name; });
  if (at == live.breaker_tables.end() || key.find('.') == std::string::npos) {
    return "error: no breaker '" + name + "' (set NAME.KEY=VALUE; `breaker list` names them)";
  }
  const auto index = static_cast<std::size_t>(at - live.breaker_tables.begin());
  config::AppConfig next = live;
  std::string error;
  if (!config::apply_override("breaker." + assignment, next, error) || !config::validate(next, error)) {
    return "error: " + error;
  }
  const breakers::BreakerSpec& was = live.breaker_tables[index];
  const breakers::BreakerSpec& now = next.breaker_tables[index];
  if (now.scope != was.scope || now.trigger != was.trigger || now.step_count != was.step_count ||
      now.steps != was.steps) {
    return "error: a breaker's scope, trigger and actions are fixed at start-up (restart with them)";
  }
  breakers::BreakerRequest r;
  r.kind = breakers::BreakerRequest::Kind::kSet;
  r.index = static_cast<std::uint16_t>(index);
  r.settings = breakers::settings_of(now);
  if (!send(r)) return "error: too many breaker requests pending; retry in a moment";
  live = std::move(next);
  return "ok: breaker " + name + " trip=" + number(now.trip) + " clear=" + number(now.clear) +
         " from the RX core's next safe point (journaled)";
}

std::string BreakerControl::override(breakers::Override o, const std::vector<std::string>& words) {
  const std::string& name = words[2];
  const auto at = std::find_if(live.breaker_tables.begin(), live.breaker_tables.end(),
                               [&](const breakers::BreakerSpec& b) { return b.name == name; });
  if (at == live.breaker_tables.end()) return "error: no breaker '" + name + "' (`breaker list` names them)";
  breakers::BreakerRequest r;
  r.kind = breakers::BreakerRequest::Kind::kOverride;
  r.override = o;
  r.index = static_cast<std::uint16_t>(at - live.breaker_tables.begin());
  const bool security = at->scope == breakers::Scope::kSecurity;
  if (security != (words.size() == 4)) {
    return security ? "error: " + name + " is a security breaker: name the stock (breaker " + words[1] + " " + name +
                          " STOCK)"
                    : "error: " + name + " is a " +
                          std::string(breakers::kScopeNames[static_cast<std::size_t>(at->scope)]) +
                          " breaker: it takes no stock";
  }
  std::string who = name;
  if (security) {
    const std::string& symbol = words[3];
    if (symbol.size() > 8) return "error: '" + symbol + "': a symbol has at most 8 characters";
    std::array<char, 8> padded;
    padded.fill(' ');
    std::copy(symbol.begin(), symbol.end(), padded.begin());
    const std::uint32_t id = books.find_instrument(padded);
    if (id == book::kNone) return "error: no instrument " + symbol + " on the feed (yet)";
    r.instrument = id;
    who += " for " + symbol;
  }
  if (!send(r)) return "error: too many breaker requests pending; retry in a moment";
  const char* what = o == breakers::Override::kOpen ? "forced open" : o == breakers::Override::kClose ? "forced closed"
                                                                                                   : "automatic again";
  return "ok: breaker " + who + " " + what + " from the RX core's next safe point (journaled)";
}

bool BreakerControl::send(const breakers::BreakerRequest& r) { return requests.try_push(r); }

}  // namespace tickwire::runtime
