#include "controlplane/runtime/session_control.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "controlplane/report/figures.h"
#include "controlplane/runtime/stage_factory.h"
#include "dataplane/events/stream_key.h"

namespace tickwire::runtime {

namespace {

constexpr std::string_view kHelp =
    "ok\n"
    "stats                 counters: messages queued and shed per worker and class, signals; the\n"
    "                      RX core's packets, messages, drops, gaps and book anomalies\n"
    "config                the settings running now, as TOML\n"
    "promote SYMBOL CLASS  every message of SYMBOL at least CLASS (critical, high, normal, low)\n"
    "demote SYMBOL         back to what its events say\n"
    "set KEY=VALUE         stage.NAME.*: hot-swap that stage with the new setting at the next message;\n"
    "                      classification.*: replace the classification table\n"
    "pattern list|add|remove|set ...  the pattern instances (`pattern help`)\n"
    "securities reload     read patterns.securities_file again: its data in force at one merge key,\n"
    "                      instances built from it (basket_premium) rebuilt at a new version\n"
    "breaker list          the circuit breakers and their settings now\n"
    "breaker set NAME.KEY=VALUE   a breaker's setting (trip, clear, window_ms, ...), journaled\n"
    "breaker open|close|auto NAME [STOCK]   force a breaker open or closed, or back to automatic\n"
    "                      (a security breaker's names its stock), journaled\n";

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

}  // namespace

std::string SessionControl::handle(const std::string& command) {
  const std::vector<std::string> words = words_of(command);
  if (words.empty()) return "error: empty command (try help)";
  const std::string& verb = words[0];
  if (verb == "help") return std::string(kHelp);
  if (verb == "config" && words.size() == 1) return "ok\n" + config::to_toml(live);
  if (verb == "stats" && words.size() == 1) return stats();
  if (verb == "promote" && words.size() == 3) return promote(words[1], words[2]);
  if (verb == "demote" && words.size() == 2) return promote(words[1], "low");
  if (verb == "set" && words.size() >= 2) return set(command.substr(command.find("set") + 3));
  if (verb == "breaker") {
    if (!breaker_command) return "error: this session runs no breaker (its configuration has no [breaker.NAME] table)";
    return breaker_command(words);
  }
  return "error: '" + command + "': unknown command or wrong arguments (try help)";
}

std::string SessionControl::promote(const std::string& symbol, const std::string& class_name) {
  const auto floor = sched::priority_class_named(class_name);
  if (!floor) return "error: '" + class_name + "': expected critical, high, normal or low";
  if (symbol.size() > 8) return "error: '" + symbol + "': a symbol has at most 8 characters";
  std::array<char, 8> padded;
  padded.fill(' ');
  std::copy(symbol.begin(), symbol.end(), padded.begin());
  const std::uint32_t id = books.find_instrument(padded);
  if (id == book::kNone) return "error: no instrument " + symbol + " on the feed (yet)";
  auto next = std::make_unique<events::ClassificationTable>(live.classification, *table.read());
  if (!next->ok()) return "error: cannot reserve a new classification table";
  next->promote(id, *floor);
  table.replace_later(std::move(next));
  return "ok: " + symbol + " (instrument " + std::to_string(id) + ") is at least " + class_name +
         " from its next message";
}

std::string SessionControl::set(const std::string& assignment) {
  std::string text = assignment;
  while (!text.empty() && text.front() == ' ') text.erase(text.begin());
  const std::string key = text.substr(0, text.find('='));
  config::AppConfig next = live;
  std::string error;
  if (!config::apply_override(text, next, error) || !config::validate(next, error)) return "error: " + error;
  if (key.rfind("classification.", 0) != 0 && key.rfind("stage.", 0) != 0) {
    return "error: " + key + " cannot change while running (restart with it)";
  }
  if (key.rfind("classification.", 0) == 0) {
    auto table_next = std::make_unique<events::ClassificationTable>(next.classification, *table.read());
    if (!table_next->ok()) return "error: cannot reserve a new classification table";
    table.replace_later(std::move(table_next));
    live = next;
    return "ok: classification replaced, from the next message";
  }
  const std::string name = key.substr(6, key.find('.', 6) - 6);
  std::size_t slot = 0;
  while (slot < next.stages.size() && next.stages[slot].name != name) ++slot;
  if (slot == next.stages.size()) return "error: no stage " + name + " in this pipeline";
  if (config::to_toml(next) == config::to_toml(live)) return "ok: stage " + name + " already runs with that";
  if (next.stages[slot].budget_ns != live.stages[slot].budget_ns ||
      next.stages[slot].overrun != live.stages[slot].overrun) {
    return "error: a stage's budget_ns and overrun are fixed at start-up (restart with them)";
  }
  StageFactory factory;  // loads the plugin anew if its path changed: a failure keeps the old stage
  if (!factory.init(next, error)) return "error: " + error + " (the old stage keeps running)";
  std::vector<std::unique_ptr<stages::Stage>> instances;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    instances.push_back(factory.make(slot, error));
    if (!instances.back()) return "error: " + error + " (the old stage keeps running)";
  }
  if (!swapper.request(static_cast<std::uint32_t>(slot), instances, 0)) {
    return "error: too many swaps pending; retry in a moment";
  }
  live = next;
  return "ok: stage " + name + " swapped in from the next message";
}

std::string SessionControl::stats() const {
  report::Figures f;
  for (std::size_t w = 0; w < workers.size(); ++w) {
    const sched::InboxCounters& ic = workers[w]->inbox().counters();
    for (std::size_t c = 0; c < sched::kPriorityClassCount; ++c) {
      const std::string prefix = "worker" + std::to_string(w) + "." + std::string(sched::kPriorityClassNames[c]);
      f.add(prefix + ".queued", ic.queued[c].load(std::memory_order_relaxed));
      f.add(prefix + ".shed.ring_full", ic.shed_ring_full[c].load(std::memory_order_relaxed));
      f.add(prefix + ".full_waits", ic.full_waits[c].load(std::memory_order_relaxed));
    }
    const std::uint64_t retired = workers[w]->retired_before();  // a stream key; 0: nothing yet
    f.add("worker" + std::to_string(w) + ".retired_before", retired == 0 ? 0 : events::feed_sequence(retired));
  }
  f.add("swaps.requested", swapper.requested());
  f.add("swaps.reclaimed", swapper.reclaimed());
  std::string out = "ok\n";
  char* text = nullptr;
  std::size_t size = 0;
  if (std::FILE* memory = open_memstream(&text, &size)) {
    f.print(memory);
    std::fclose(memory);
    out.append(text, size);
    std::free(text);
  }
  if (more_stats) out += more_stats();
  return out;
}

}  // namespace tickwire::runtime
