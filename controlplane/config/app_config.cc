#include "controlplane/config/app_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <variant>

#include "controlplane/format/journal_writer.h"
#include "dataplane/events/event.h"
#include "dataplane/net/udp_filter.h"
#include "dataplane/sched/event_router.h"
#include "dataplane/stages/inline_pipeline.h"

namespace tickwire::config {
namespace {

using List = std::vector<std::string>;
using Value = std::variant<std::uint64_t, double, bool, std::string, List>;

enum class Kind : std::uint8_t { kUnsigned, kDouble, kBool, kString, kChoice, kList };

// Where a key lives: the top-level tables, or inside [stage.NAME] for every stage, only the
// built-in one, or only stages loaded from a plugin.
enum class Scope : std::uint8_t { kGlobal, kAnyStage, kBuiltIn, kPlugin };

struct Key {
  std::string name;  // dotted; for stage keys, the name inside [stage.NAME]
  Kind kind = Kind::kString;
  std::string description;
  Scope scope = Scope::kGlobal;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  double low = 0;
  double high = 0;
  std::span<const std::string_view> choices{};
  // `stage` is null for global keys.
  std::function<Value(const AppConfig&, const StageSpec*)> get{};
  std::function<void(AppConfig&, StageSpec*, const Value&)> set{};
  // A rule beyond kind and range: what is wrong with the value, or "".
  std::function<std::string(const Value&)> check{};
  std::string allowed{};  // what described() shows, when `check` narrows the choices
};

// TOML integers are signed 64-bit: nothing larger can be written in a file.
constexpr std::uint64_t kTomlMax = std::numeric_limits<std::int64_t>::max();
// Book handles are 32-bit with 0 meaning none; orders need more than one handle each.
constexpr std::uint64_t kMaxHandles = std::numeric_limits<book::Handle>::max() - 1;
constexpr std::uint64_t kMaxOrders = book::OrderTable::kMaxOrders;
// An instrument is a (feed, locate) pair, so the locate table bounds how many there can be.
constexpr std::uint64_t kMaxInstruments = std::uint64_t{book::BookConfig{}.max_feeds} << 16;
constexpr std::uint64_t kMinuteUs = 60'000'000;
constexpr std::uint64_t kDayMs = 86'400'000;

constexpr std::array<std::string_view, 2> kFullPolicyNames = {"backpressure", "shed"};
static_assert(static_cast<int>(sched::FullPolicy::kBackpressure) == 0 &&
              static_cast<int>(sched::FullPolicy::kShed) == 1);

// ---------------------------------------------------------------------------------------
// Text

std::string toml_quoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 || u == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04X", u);
          out += escape;
        } else {
          out += ch;
        }
      }
    }
  }
  out += '"';
  return out;
}

// Shortest text that reads back as the same double, in fixed notation ("1000000", not
// "1e+06", in ranges and files people read).
std::string plain_number(double v) {
  char buf[512];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc{}) r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// As a TOML float: a whole number needs its ".0" to stay a float.
std::string float_text(double v) {
  std::string s = plain_number(v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool is_bare_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-';
  });
}

std::string render(const Value& v) {
  if (const auto* u = std::get_if<std::uint64_t>(&v)) return std::to_string(*u);
  if (const auto* d = std::get_if<double>(&v)) return float_text(*d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* s = std::get_if<std::string>(&v)) return toml_quoted(*s);
  std::string out = "[";
  for (const std::string& item : std::get<List>(v)) out += (out.size() > 1 ? ", " : "") + toml_quoted(item);
  return out + "]";
}

// A value as an error message shows what it got.
std::string shown(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return toml_quoted(node.as_string()->get());
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: return float_text(node.as_floating_point()->get());
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string choice_list(std::span<const std::string_view> choices) {
  std::string out;
  for (const std::string_view c : choices) out += (out.empty() ? "" : ", ") + toml_quoted(c);
  return out;
}

// What a key accepts, as "expected ..." continues.
std::string expectation(const Key& key) {
  switch (key.kind) {
    case Kind::kUnsigned:
      return "an integer from " + std::to_string(key.min) + " to " + std::to_string(key.max);
    case Kind::kDouble: return "a number from " + plain_number(key.low) + " to " + plain_number(key.high);
    case Kind::kBool: return "true or false";
    case Kind::kString: return "a string";
    case Kind::kChoice: return "one of " + choice_list(key.choices);
    case Kind::kList: return "an array of strings";
  }
  return {};
}

// The description with the allowed values, for --help and the comments of to_toml().
std::string described(const Key& key) {
  if (!key.allowed.empty()) return key.description + " [" + key.allowed + "]";
  switch (key.kind) {
    case Kind::kUnsigned:
      return key.description + " [" + std::to_string(key.min) + " to " + std::to_string(key.max) + "]";
    case Kind::kDouble:
      return key.description + " [" + plain_number(key.low) + " to " + plain_number(key.high) + "]";
    case Kind::kChoice: {
      std::string names;
      for (std::size_t i = 0; i < key.choices.size(); ++i) {
        names += (i == 0 ? "" : i + 1 == key.choices.size() ? " or " : ", ") + std::string(key.choices[i]);
      }
      return key.description + " [" + names + "]";
    }
    default: return key.description;
  }
}

// ---------------------------------------------------------------------------------------
// Key builders. `ref(config, stage)` returns the field; written as generic lambdas so one
// lambda serves both the const getter and the setter.

template <class Ref>
Key unsigned_key(std::string name, std::string description, std::uint64_t min, std::uint64_t max, Ref ref,
                 std::uint64_t scale = 1) {
  using Field = std::remove_cvref_t<decltype(ref(std::declval<AppConfig&>(), static_cast<StageSpec*>(nullptr)))>;
  // A range that cannot overflow the field (after scaling) is what makes set() safe.
  assert(max <= kTomlMax && max <= std::numeric_limits<Field>::max() / scale);
  Key k{.name = std::move(name), .kind = Kind::kUnsigned, .description = std::move(description)};
  k.min = min;
  k.max = max;
  k.get = [ref, scale](const AppConfig& c, const StageSpec* s) -> Value {
    return static_cast<std::uint64_t>(ref(c, s)) / scale;
  };
  k.set = [ref, scale](AppConfig& c, StageSpec* s, const Value& v) {
    ref(c, s) = static_cast<Field>(std::get<std::uint64_t>(v) * scale);
  };
  return k;
}

template <class Ref>
Key double_key(std::string name, std::string description, double low, double high, Ref ref) {
  Key k{.name = std::move(name), .kind = Kind::kDouble, .description = std::move(description)};
  k.low = low;
  k.high = high;
  k.get = [ref](const AppConfig& c, const StageSpec* s) -> Value { return static_cast<double>(ref(c, s)); };
  k.set = [ref](AppConfig& c, StageSpec* s, const Value& v) { ref(c, s) = std::get<double>(v); };
  return k;
}

template <class Ref>
Key bool_key(std::string name, std::string description, Ref ref) {
  Key k{.name = std::move(name), .kind = Kind::kBool, .description = std::move(description)};
  k.get = [ref](const AppConfig& c, const StageSpec* s) -> Value { return static_cast<bool>(ref(c, s)); };
  k.set = [ref](AppConfig& c, StageSpec* s, const Value& v) { ref(c, s) = std::get<bool>(v); };
  return k;
}

template <class Ref>
Key string_key(std::string name, std::string description, Ref ref) {
  Key k{.name = std::move(name), .kind = Kind::kString, .description = std::move(description)};
  k.get = [ref](const AppConfig& c, const StageSpec* s) -> Value { return std::string(ref(c, s)); };
  k.set = [ref](AppConfig& c, StageSpec* s, const Value& v) { ref(c, s) = std::get<std::string>(v); };
  return k;
}

// An enum field named by `choices[value]`.
template <class Ref>
Key choice_key(std::string name, std::string description, std::span<const std::string_view> choices, Ref ref) {
  using Field = std::remove_cvref_t<decltype(ref(std::declval<AppConfig&>(), static_cast<StageSpec*>(nullptr)))>;
  Key k{.name = std::move(name), .kind = Kind::kChoice, .description = std::move(description), .choices = choices};
  k.get = [ref, choices](const AppConfig& c, const StageSpec* s) -> Value {
    const auto i = static_cast<std::size_t>(ref(c, s));
    // An out-of-range enum (set in code) prints as a number, which validate() then reports.
    return i < choices.size() ? std::string(choices[i]) : std::to_string(i);
  };
  k.set = [ref, choices](AppConfig& c, StageSpec* s, const Value& v) {
    const auto it = std::find(choices.begin(), choices.end(), std::get<std::string>(v));
    ref(c, s) = static_cast<Field>(it - choices.begin());
  };
  return k;
}

std::string check_stage_list(const List& names) {
  if (names.size() > stages::InlinePipeline::kMaxStages) {
    return "at most " + std::to_string(stages::InlinePipeline::kMaxStages) + " stages, got " +
           std::to_string(names.size());
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    // Bare key characters only, so that every stage has a plain [stage.NAME] table.
    if (!is_bare_name(names[i])) return toml_quoted(names[i]) + ": a stage name is letters, digits, '_' and '-'";
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return toml_quoted(names[i]) + " is listed twice";
    }
  }
  return {};
}

std::string check_filters(const List& filters) {
  if (filters.size() > net::UdpFilter::kMaxEndpoints) {
    return "at most " + std::to_string(net::UdpFilter::kMaxEndpoints) + " endpoints, got " +
           std::to_string(filters.size());
  }
  for (const std::string& f : filters) {
    if (!net::parse_endpoint(f)) {
      return toml_quoted(f) + ": expected GROUP:PORT (A.B.C.D:PORT, A.B.C.D or :PORT; * for any)";
    }
  }
  return {};
}

std::string check_server(const std::string& server) {
  if (server.empty()) return {};
  const auto e = net::parse_endpoint(server);
  if (!e || e->address == 0 || e->port == 0) return "expected IP:PORT (\"\" for none), got " + toml_quoted(server);
  return {};
}

struct Schema {
  std::vector<Key> keys;        // global keys, in the order to_toml() prints them
  std::vector<Key> stage_keys;  // inside [stage.NAME]
  std::map<std::string, std::size_t, std::less<>> by_name;
  std::set<std::string, std::less<>> tables;  // every table that holds global keys
};

void add_global_keys(std::vector<Key>& keys) {
  // input
  keys.push_back(string_key("input.eal", "EAL arguments: read the ports they create (\"\": read INPUT files)",
                            [](auto& c, auto*) -> auto& { return c.eal; }));
  keys.push_back(unsigned_key("input.idle_exit_ms", "with EAL: stop after this long without a packet (0: never)", 0,
                              kDayMs, [](auto& c, auto*) -> auto& { return c.idle_exit_ms; }));
  {
    Key k{.name = "input.filter", .kind = Kind::kList,
          .description = "datagrams to read, as \"GROUP:PORT\", \"GROUP\" or \":PORT\" (empty: all; at most " +
                         std::to_string(net::UdpFilter::kMaxEndpoints) + ")"};
    k.get = [](const AppConfig& c, const StageSpec*) -> Value { return c.filters; };
    k.set = [](AppConfig& c, StageSpec*, const Value& v) { c.filters = std::get<List>(v); };
    k.check = [](const Value& v) { return check_filters(std::get<List>(v)); };
    keys.push_back(std::move(k));
  }
  {
    Key k{.name = "input.files", .kind = Kind::kList,
          .description = "replay: captures to read when the command line names none (a feed's: its lines)"};
    k.get = [](const AppConfig& c, const StageSpec*) -> Value { return c.files; };
    k.set = [](AppConfig& c, StageSpec*, const Value& v) { c.files = std::get<List>(v); };
    keys.push_back(std::move(k));
  }
  {
    Key k{.name = "input.ports", .kind = Kind::kList,
          .description = "with EAL: the ports this session polls, by DPDK name (empty: every port)"};
    k.get = [](const AppConfig& c, const StageSpec*) -> Value { return c.ports; };
    k.set = [](AppConfig& c, StageSpec*, const Value& v) { c.ports = std::get<List>(v); };
    keys.push_back(std::move(k));
  }

  // book
  keys.push_back(unsigned_key("book.max_orders", "live orders at once, all books together", 1, kMaxOrders,
                              [](auto& c, auto*) -> auto& { return c.book.max_orders; }));
  keys.push_back(unsigned_key("book.max_levels", "non-empty price levels at once, all books together", 1,
                              kMaxHandles, [](auto& c, auto*) -> auto& { return c.book.max_levels; }));
  keys.push_back(unsigned_key("book.max_instruments", "instruments (feed and stock locate pairs)", 1,
                              kMaxInstruments, [](auto& c, auto*) -> auto& { return c.book.max_instruments; }));
  keys.push_back(bool_key("book.prefault", "touch every page of the books at start-up, not on first use",
                          [](auto& c, auto*) -> auto& { return c.book.prefault; }));
  keys.push_back(bool_key("book.huge_pages", "take the books from reserved huge pages when enough are free",
                          [](auto& c, auto*) -> auto& { return c.book.huge_pages; }));
  keys.push_back(bool_key("book.prefetch",
                          "start loading the order and level records of the messages ahead (a BinaryFILE's, a burst's)",
                          [](auto& c, auto*) -> auto& { return c.book.prefetch; }));

  // sequencer
  keys.push_back(unsigned_key("sequencer.reorder_window_us", "how long a sequence hole waits for its messages", 0,
                              kMinuteUs, [](auto& c, auto*) -> auto& { return c.sequencer.reorder_window_ns; },
                              1000));
  keys.push_back(unsigned_key("sequencer.reorder_buffer", "packets held while a hole is open", 1, 1u << 20,
                              [](auto& c, auto*) -> auto& { return c.sequencer.buffered_packets; }));
  keys.push_back(unsigned_key("sequencer.max_packet_bytes", "largest MoldUDP64 payload buffered (1472 on a 1500 MTU)",
                              20, 65'507, [](auto& c, auto*) -> auto& { return c.sequencer.max_packet_bytes; }));
  keys.push_back(unsigned_key("sequencer.stale_after_ms", "a line silent this long is stale", 1, kDayMs,
                              [](auto& c, auto*) -> auto& { return c.sequencer.stale_after_ns; }, 1'000'000));

  // recovery
  {
    Key k = string_key("recovery.server", "MoldUDP64 re-request server as IP:PORT (\"\": no re-requests)",
                       [](auto& c, auto*) -> auto& { return c.recovery_server; });
    k.check = [](const Value& v) { return check_server(std::get<std::string>(v)); };
    keys.push_back(std::move(k));
  }
  {
    Key k = string_key("recovery.snapshot_server",
                       "join late from this GLIMPSE snapshot server, IP:PORT over SoupBinTCP (\"\": no snapshot)",
                       [](auto& c, auto*) -> auto& { return c.snapshot_server; });
    k.check = [](const Value& v) { return check_server(std::get<std::string>(v)); };
    keys.push_back(std::move(k));
  }
  keys.push_back(unsigned_key("recovery.snapshot_wait_ms", "give up on a snapshot not complete by then (0: no limit)",
                              0, kDayMs, [](auto& c, auto*) -> auto& { return c.snapshot_wait_ms; }));
  keys.push_back(unsigned_key("recovery.attempts", "requests for one hole before it is given up", 1, 100,
                              [](auto& c, auto*) -> auto& { return c.recovery.max_attempts; }));
  keys.push_back(unsigned_key("recovery.retry_ms", "no answer by then: ask again", 1, 60'000,
                              [](auto& c, auto*) -> auto& { return c.recovery.retry_after_ns; }, 1'000'000));
  keys.push_back(unsigned_key("recovery.request_after_us", "a hole younger than this waits for the other line", 0,
                              kMinuteUs, [](auto& c, auto*) -> auto& { return c.recovery.request_after_ns; },
                              1000));
  keys.push_back(unsigned_key("recovery.max_messages_per_request", "messages asked for in one request", 1, 65'535,
                              [](auto& c, auto*) -> auto& { return c.recovery.max_messages_per_request; }));
  keys.push_back(unsigned_key("recovery.min_interval_us", "least time between two requests", 0, kMinuteUs,
                              [](auto& c, auto*) -> auto& { return c.recovery.min_interval_ns; }, 1000));
  keys.push_back(unsigned_key("recovery.max_hole_messages",
                              "a larger hole is not asked for: declared a gap at once (0: any size)", 0, 1ull << 40,
                              [](auto& c, auto*) -> auto& { return c.recovery.max_hole_messages; }));

  // workers
  keys.push_back(unsigned_key("workers.count", "worker threads behind the RX thread (0: inline, one thread)", 0,
                              sched::kMaxWorkers, [](auto& c, auto*) -> auto& { return c.workers; }));
  keys.push_back(unsigned_key("workers.output_records", "records in each worker's output ring", 16, 1u << 24,
                              [](auto& c, auto*) -> auto& { return c.worker.output_capacity; }));
  keys.push_back(unsigned_key("workers.messages_per_poll", "messages a worker runs per pass", 1, 4096,
                              [](auto& c, auto*) -> auto& { return c.worker.messages_per_poll; }));
  for (std::size_t i = 0; i < sched::kPriorityClassCount; ++i) {
    const std::string cls(sched::kPriorityClassNames[i]);
    keys.push_back(unsigned_key("workers.ring_events." + cls,
                                cls + " ring of each worker, in events (rounded up to a power of two)",
                                events::kMaxEventsPerMessage, 1u << 24,
                                [i](auto& c, auto*) -> auto& { return c.worker.inbox.capacity[i]; }));
  }
  for (std::size_t i = 0; i < sched::kPriorityClassCount; ++i) {
    const std::string cls(sched::kPriorityClassNames[i]);
    Key k = choice_key("workers.when_full." + cls, "a full " + cls + " ring: the RX core waits, or drops the message",
                       kFullPolicyNames, [i](auto& c, auto*) -> auto& { return c.worker.inbox.when_full[i]; });
    if (i == sched::index_of(sched::PriorityClass::kCritical)) {
      k.description = "a full critical ring: the RX core waits (critical events are never dropped)";
      k.allowed = "backpressure only";
      k.check = [](const Value& v) -> std::string {
        if (std::get<std::string>(v) != kFullPolicyNames[0]) {
          return "expected \"backpressure\", got " + toml_quoted(std::get<std::string>(v)) +
                 ": critical events are never dropped";
        }
        return {};
      };
    }
    keys.push_back(std::move(k));
  }
  for (std::size_t i = 0; i < sched::kPriorityClassCount; ++i) {
    const std::string cls(sched::kPriorityClassNames[i]);
    keys.push_back(unsigned_key("workers.max_wait_us." + cls,
                                "the oldest " + cls + " message is overdue after this long (0: never)", 0, kMinuteUs,
                                [i](auto& c, auto*) -> auto& { return c.worker.scheduler.max_wait_ns[i]; }, 1000));
  }

  // classification
  keys.push_back(unsigned_key("classification.jump_bps",
                              "a mid move from the previous top this large (basis points) is critical (0: off)", 0,
                              1'000'000, [](auto& c, auto*) -> auto& { return c.classification.jump_basis_points; }));
  keys.push_back(unsigned_key("classification.withdrawal_percent",
                              "this share of the touch size lost in one message is critical (0: off)", 0, 100,
                              [](auto& c, auto*) -> auto& { return c.classification.withdrawal_percent; }));
  keys.push_back(unsigned_key("classification.min_touch_size", "thinner touches are not judged for withdrawal", 0,
                              kTomlMax, [](auto& c, auto*) -> auto& { return c.classification.min_touch_size; }));
  keys.push_back(choice_key("classification.deep_level", "class of a level change behind the touch",
                            sched::kPriorityClassNames,
                            [](auto& c, auto*) -> auto& { return c.classification.deep_level; }));
  for (std::size_t k = 0; k < events::kEventKindCount; ++k) {
    // The journal's names for the kinds, so a key reads like the events it classifies.
    const std::string kind(format::event_kind_name(static_cast<events::EventKind>(k)));
    keys.push_back(choice_key("classification.by_kind." + kind, "class of " + kind + " events",
                              sched::kPriorityClassNames,
                              [k](auto& c, auto*) -> auto& { return c.classification.by_kind[k]; }));
  }

  // memory
  keys.push_back(unsigned_key("memory.budget_mb", "memory the process may reserve (0: derive from the machine)", 0,
                              1u << 24, [](auto& c, auto*) -> auto& { return c.memory_budget_mb; }));
  keys.push_back(unsigned_key("memory.warn_fill_percent", "warn when a pool or ring fills past this", 1, 100,
                              [](auto& c, auto*) -> auto& { return c.warn_fill_percent; }));

  // replay
  keys.push_back(double_key("replay.speed", "replay at this multiple of capture time (0: as fast as possible)", 0,
                            1'000'000, [](auto& c, auto*) -> auto& { return c.replay_speed; }));
  keys.push_back(unsigned_key("replay.rate", "replay at this many messages per second (0: off; not with speed)", 0,
                              1'000'000'000, [](auto& c, auto*) -> auto& { return c.replay_rate; }));
  keys.push_back(double_key("replay.burst", "with rate: bursts go out at this multiple of the rate", 1, 1'000'000,
                            [](auto& c, auto*) -> auto& { return c.replay_burst; }));

  // output
  keys.push_back(string_key("output.journal", "write the signals (JSON lines) to this file (\"\": none)",
                            [](auto& c, auto*) -> auto& { return c.journal; }));
  keys.push_back(bool_key("output.journal_events", "with journal: every retired event too",
                          [](auto& c, auto*) -> auto& { return c.journal_events; }));
  keys.push_back(string_key("output.latency_report", "write per-stage cost percentiles to this file (\"\": none)",
                            [](auto& c, auto*) -> auto& { return c.latency_report; }));
  keys.push_back(bool_key("output.stats", "after the summary, print every figure as a `key value` line",
                          [](auto& c, auto*) -> auto& { return c.stats; }));
  keys.push_back(string_key("output.report", "write every figure as one JSON object to this file (\"\": none)",
                            [](auto& c, auto*) -> auto& { return c.report; }));
  keys.push_back(unsigned_key("output.status_interval_s",
                              "every this many seconds, a status line on stderr: messages, rate, RSS and latency "
                              "over the interval (0: none)",
                              0, 86'400, [](auto& c, auto*) -> auto& { return c.status_interval_s; }));

  // the pattern layer (process-wide)
  keys.push_back(unsigned_key("patterns.workers", "pattern threads (0: the patterns run on the process's merge thread)",
                              0, 8, [](auto& c, auto*) -> auto& { return c.patterns.workers; }));
  keys.push_back(unsigned_key("patterns.levels", "level changes within the top N of a side the feeds publish (0: none)",
                              0, 10, [](auto& c, auto*) -> auto& { return c.patterns.levels; }));
  keys.push_back(unsigned_key("patterns.ring_updates", "each feed's ring of market updates (rounded up to a power of two)",
                              1024, 1u << 24, [](auto& c, auto*) -> auto& { return c.patterns.ring_updates; }));
  keys.push_back(unsigned_key("patterns.max_securities", "securities the pattern layer can name, across feeds", 16,
                              1u << 20, [](auto& c, auto*) -> auto& { return c.patterns.max_securities; }));
  keys.push_back(unsigned_key("patterns.output_records", "signals waiting for the merge, per pattern thread", 16,
                              1u << 20, [](auto& c, auto*) -> auto& { return c.patterns.output_records; }));
  keys.push_back(unsigned_key("patterns.max_instances",
                              "pattern instances a session can hold, the [pattern.NAME] tables and those added live",
                              1, 1u << 20, [](auto& c, auto*) -> auto& { return c.patterns.max_instances; }));
  keys.push_back(string_key("patterns.securities_file",
                            "the reference data: securities, their symbols on feeds, baskets (\"\": none)",
                            [](auto& c, auto*) -> auto& { return c.patterns.securities_file; }));
  keys.push_back(unsigned_key("patterns.conflict_window_ms",
                              "signals of opposite directions on one security within this long conflict (0: off)", 0,
                              kDayMs, [](auto& c, auto*) -> auto& { return c.patterns.conflict_window_ns; },
                              1'000'000));
  keys.push_back(choice_key("patterns.conflict_policy", "what a conflict does", config::kConflictPolicyNames,
                            [](auto& c, auto*) -> auto& { return c.patterns.conflict_policy; }));
  keys.push_back(unsigned_key("patterns.merge.skew_us", "live: how far behind its receive clock a feed's watermark stays",
                              0, kMinuteUs, [](auto& c, auto*) -> auto& { return c.patterns.merge_skew_ns; }, 1000));
  keys.push_back(unsigned_key("patterns.merge.max_hold_us",
                              "live: a feed holding the merge longer is declared lagging (0: never)", 0, kMinuteUs,
                              [](auto& c, auto*) -> auto& { return c.patterns.merge_max_hold_ns; }, 1000));
  keys.push_back(unsigned_key("breaker.max_promoted",
                              "instruments of one feed whose open security breakers make their tops and trades "
                              "critical at once (0: none promoted)",
                              0, 1u << 20, [](auto& c, auto*) -> auto& { return c.breaker_max_promoted; }));
  keys.push_back(double_key("clock_offset_ns", "added to this feed's exchange clock before feeds are compared", -1e12,
                            1e12, [](auto& c, auto*) -> auto& { return c.clock_offset_ns; }));
  keys.push_back(string_key("input.session_date",
                            "the trading day, YYYY-MM-DD, for clocks compared across days (\"\": today live, a fixed date in replay)",
                            [](auto& c, auto*) -> auto& { return c.session_date; }));

  // cpus
  keys.push_back(string_key("cpus.rx", "CPU the RX thread is pinned to, e.g. \"2\" (\"\": not pinned)",
                            [](auto& c, auto*) -> auto& { return c.rx_cpu; }));
  keys.push_back(string_key("cpus.workers", "CPUs of the worker threads, one each: \"3,4\" or \"3-4\" (\"\": not pinned)",
                            [](auto& c, auto*) -> auto& { return c.worker_cpus; }));
  keys.push_back(string_key("cpus.control", "CPU of the control-plane thread (\"\": not pinned)",
                            [](auto& c, auto*) -> auto& { return c.control_cpu; }));

  // control
  keys.push_back(string_key("control.socket",
                            "Unix socket `tickwire ctl` talks to while it runs (\"\": none; needs workers)",
                            [](auto& c, auto*) -> auto& { return c.control_socket; }));

  // pipeline: last, so that the [stage.NAME] tables print right after it
  {
    Key k{.name = "pipeline.stages", .kind = Kind::kList,
          .description = "stages in chain order; each has a [stage.NAME] table (at most " +
                         std::to_string(stages::InlinePipeline::kMaxStages) + ")"};
    k.get = [](const AppConfig& c, const StageSpec*) -> Value {
      List names;
      for (const StageSpec& s : c.stages) names.push_back(s.name);
      return names;
    };
    // A stage that stays in the list keeps its settings, so a later layer may reorder or
    // extend the list without repeating every [stage.NAME] table.
    k.set = [](AppConfig& c, StageSpec*, const Value& v) {
      std::vector<StageSpec> next;
      for (const std::string& name : std::get<List>(v)) {
        const auto it =
            std::find_if(c.stages.begin(), c.stages.end(), [&](const StageSpec& s) { return s.name == name; });
        next.push_back(it != c.stages.end() ? *it : StageSpec{.name = name});
      }
      c.stages = std::move(next);
    };
    k.check = [](const Value& v) { return check_stage_list(std::get<List>(v)); };
    keys.push_back(std::move(k));
  }
}

void add_stage_keys(std::vector<Key>& keys) {
  auto scoped = [&keys](Key k, Scope scope) {
    k.scope = scope;
    keys.push_back(std::move(k));
  };
  scoped(unsigned_key("budget_ns", "time budget of one call; overruns are counted (0: none)", 0, 1'000'000'000,
                      [](auto&, auto* s) -> auto& { return s->budget_ns; }),
         Scope::kAnyStage);
  scoped(choice_key("overrun", "what an overrun does besides being counted", stages::kOverrunPolicyNames,
                    [](auto&, auto* s) -> auto& { return s->overrun; }),
         Scope::kAnyStage);
  scoped(string_key("plugin", "shared object the stage is loaded from",
                    [](auto&, auto* s) -> auto& { return s->plugin; }),
         Scope::kPlugin);
  scoped(string_key("params", "parameter string handed to the plugin",
                    [](auto&, auto* s) -> auto& { return s->params; }),
         Scope::kPlugin);
  scoped(unsigned_key("window_ms", "window of exchange time a move is measured over", 1, kDayMs,
                      [](auto& c, auto*) -> auto& { return c.price_move.window_ns; }, 1'000'000),
         Scope::kBuiltIn);
  scoped(unsigned_key("jump_bps", "mid move that signals a price jump, in basis points (0: off)", 0, 1'000'000,
                      [](auto& c, auto*) -> auto& { return c.price_move.jump_basis_points; }),
         Scope::kBuiltIn);
  scoped(unsigned_key("drop_percent", "touch size drop that signals a liquidity drop (0: off)", 0, 100,
                      [](auto& c, auto*) -> auto& { return c.price_move.drop_percent; }),
         Scope::kBuiltIn);
  scoped(unsigned_key("min_touch", "smallest touch size judged for a drop", 0, kTomlMax,
                      [](auto& c, auto*) -> auto& { return c.price_move.min_touch_size; }),
         Scope::kBuiltIn);
}

Schema build_schema() {
  Schema s;
  add_global_keys(s.keys);
  add_stage_keys(s.stage_keys);
  for (std::size_t i = 0; i < s.keys.size(); ++i) {
    const std::string& name = s.keys[i].name;
    s.by_name.emplace(name, i);
    for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
      s.tables.insert(name.substr(0, dot));
    }
  }
  return s;
}

const Schema& schema() {
  static const Schema s = build_schema();
  return s;
}

const Key* stage_key(std::string_view name) {
  for (const Key& k : schema().stage_keys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

bool in_scope(const Key& key, const StageSpec& stage) {
  const bool built_in = stage.name == kBuiltInStage;
  return key.scope == Scope::kAnyStage || (key.scope == Scope::kBuiltIn) == built_in;
}

std::string out_of_scope(const Key& key) {
  if (key.scope == Scope::kBuiltIn) return "unknown key: only the built-in " + std::string(kBuiltInStage) + " has it";
  if (key.name == "plugin") {
    return std::string(kBuiltInStage) + " is built in; a stage from a plugin needs another name";
  }
  return "unknown key: the built-in " + std::string(kBuiltInStage) + " has no " + key.name;
}

// ---------------------------------------------------------------------------------------
// Reading values

// Range, choices and the key's own rule; "" when the value is fine.
std::string value_problem(const Key& key, const Value& v) {
  switch (key.kind) {
    case Kind::kUnsigned: {
      const std::uint64_t u = std::get<std::uint64_t>(v);
      if (u < key.min || u > key.max) return "expected " + expectation(key) + ", got " + std::to_string(u);
      break;
    }
    case Kind::kDouble: {
      const double d = std::get<double>(v);
      if (!(d >= key.low && d <= key.high)) return "expected " + expectation(key) + ", got " + float_text(d);
      break;
    }
    case Kind::kChoice: {
      const std::string& s = std::get<std::string>(v);
      if (std::find(key.choices.begin(), key.choices.end(), s) == key.choices.end()) {
        return "expected " + expectation(key) + ", got " + toml_quoted(s);
      }
      break;
    }
    default: break;
  }
  return key.check ? key.check(v) : std::string{};
}

std::optional<Value> read_value(const Key& key, const toml::node& node, std::string& why) {
  std::optional<Value> v;
  switch (key.kind) {
    case Kind::kUnsigned:
      if (const auto* i = node.as_integer()) {
        if (i->get() < 0) {
          why = "expected " + expectation(key) + ", got " + std::to_string(i->get());
          return std::nullopt;
        }
        v = static_cast<std::uint64_t>(i->get());
      }
      break;
    case Kind::kDouble:
      if (const auto* f = node.as_floating_point()) v = f->get();
      if (const auto* i = node.as_integer()) v = static_cast<double>(i->get());
      break;
    case Kind::kBool:
      if (const auto* b = node.as_boolean()) v = b->get();
      break;
    case Kind::kString:
    case Kind::kChoice:
      if (const auto* s = node.as_string()) v = s->get();
      break;
    case Kind::kList:
      if (const auto* a = node.as_array()) {
        List items;
        for (const toml::node& item : *a) {
          const auto* s = item.as_string();
          if (!s) {
            why = "expected an array of strings, got " + shown(item) + " in it";
            return std::nullopt;
          }
          items.push_back(s->get());
        }
        v = std::move(items);
      }
      break;
  }
  if (!v) {
    why = "expected " + expectation(key) + ", got " + shown(node);
    return std::nullopt;
  }
  why = value_problem(key, *v);
  if (!why.empty()) return std::nullopt;
  return v;
}

// ---------------------------------------------------------------------------------------
// Applying a parsed document

struct Problem {
  std::string key;
  std::string message;
  toml::source_position where;  // line 0: no position (overrides)
};

class Applier {
 public:
  explicit Applier(AppConfig& config) : config_(config) {}

  // `where` is the key's position, for problems that are not about the value.
  void visit(const std::string& dotted, const toml::node& node, toml::source_position where) {
    if (&node == applied_first_) return;
    // [stage.NAME], [feed.NAME] and [pattern.NAME]: a table of named tables, each visited
    // under its name.
    if (dotted == "stage" || dotted == "feed" || dotted == "pattern" || dotted == "breaker") {
      const toml::table* t = node.as_table();
      if (!t) return fail(dotted, "expected a table of [" + dotted + ".NAME] tables, got " + shown(node), where);
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    if (dotted.starts_with("stage.")) return visit_stage(dotted, node, where);
    if (dotted.starts_with("feed.")) return visit_feed(dotted, node, where);
    if (dotted.starts_with("pattern.")) return visit_pattern(dotted, node, where);
    if (dotted.starts_with("breaker.") && dotted != "breaker.max_promoted") return visit_breaker(dotted, node, where);
    const Schema& s = schema();
    if (const auto it = s.by_name.find(dotted); it != s.by_name.end()) {
      return assign(s.keys[it->second], nullptr, dotted, node, where);
    }
    if (s.tables.contains(dotted)) {
      const toml::table* t = node.as_table();
      if (!t) return fail(dotted, "expected a table, got " + shown(node), where);
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    fail(dotted, "unknown key", where);
  }

  // pipeline.stages decides which [stage.NAME] tables may appear, wherever it is written in
  // the document, so it goes first.
  void visit_first(const std::string& dotted, const toml::node& node) {
    visit(dotted, node, node.source().begin);
    applied_first_ = &node;
  }

  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

  // The [breaker.NAME] tables this document wrote, checked whole (trip and clear judged
  // together: hysteresis is a property of the pair).
  void check_breakers() {
    for (const std::string& name : breakers_written_) {
      breakers::BreakerSpec& spec = breaker_spec(name);
      const std::string at_table = "breaker." + name;
      if (spec.trigger == breakers::Trigger::kHalt || spec.trigger == breakers::Trigger::kMwcb) {
        if (!breaker_keys_[name].contains("trip")) spec.trip = 0.5;
        if (!breaker_keys_[name].contains("clear")) spec.clear = 0;
      }
      std::string why = breakers::check(spec);
      if (why.empty() && !breakers::runs_in(spec.trigger, spec.scope)) {
        why = at_table + ".trigger: " +
              std::string(breakers::kTriggerNames[static_cast<std::size_t>(spec.trigger)]) + " does not run in the " +
              std::string(breakers::kScopeNames[static_cast<std::size_t>(spec.scope)]) +
              " scope (system: message_rate, ring_fill; security: volatility, band, spread, quote_rate, halt; "
              "market: open_share, mwcb; event_count is not built yet)";
      }
      if (why.empty() && spec.trigger == breakers::Trigger::kOpenShare &&
          std::none_of(config_.breaker_tables.begin(), config_.breaker_tables.end(), [](const breakers::BreakerSpec& b) {
            return b.scope == breakers::Scope::kSecurity && b.mode == breakers::Mode::kEnforce;
          })) {
        why = at_table + ".trigger: open_share counts the instruments whose security breakers are open: configure an "
                         "enforcing security breaker";
      }
      // halt's value is 0 or 1, mwcb's a level: their thresholds go without saying.
      const bool thresholds_implied = spec.trigger == breakers::Trigger::kHalt || spec.trigger == breakers::Trigger::kMwcb;
      if (why.empty() && !thresholds_implied && !breaker_keys_[name].contains("trip")) why = at_table + ".trip: required";
      if (why.empty() && !thresholds_implied && !breaker_keys_[name].contains("clear")) {
        why = at_table + ".clear: required";
      }
      if (why.empty()) continue;
      const std::size_t colon = why.find(": ");
      const std::string key = why.substr(0, colon);
      const auto where = breaker_positions_.find(key);
      fail(key, why.substr(colon + 2),
           where != breaker_positions_.end() ? where->second : breaker_positions_[at_table]);
    }
  }

  // The [pattern.NAME] tables this document wrote, checked whole (a template's parameters are
  // known only once its `template` key is read, wherever it stands in the table).
  void check_patterns() {
    for (const std::string& name : patterns_written_) {
      const std::string why = patterns::check_pattern(config_.pattern_tables[pattern_index(name)]);
      if (why.empty()) continue;
      const std::size_t colon = why.find(": ");
      const std::string key = why.substr(0, colon);
      const auto at = pattern_positions_.find(key);
      fail(key, why.substr(colon + 2), at != pattern_positions_.end() ? at->second : pattern_positions_["pattern." + name]);
    }
  }

 private:
  // A key of a [pattern.NAME] table, kept as TOML text; checked with its table.
  void visit_pattern(const std::string& dotted, const toml::node& node, toml::source_position where) {
    const std::string_view rest = std::string_view(dotted).substr(std::string_view("pattern.").size());
    const auto dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    if (!is_bare_name(name)) return fail("pattern." + name, "a pattern name is letters, digits, '_' and '-'", where);
    const auto spec = config_.pattern_tables.begin() + static_cast<std::ptrdiff_t>(pattern_index(name));
    if (pattern_positions_.emplace("pattern." + name, where).second) patterns_written_.push_back(name);
    if (const toml::table* t = node.as_table()) {
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    if (dot == std::string_view::npos) return fail(dotted, "expected a table, got " + shown(node), where);
    const std::string key(rest.substr(dot + 1));
    std::ostringstream text;
    node.visit([&text](const auto& n) { text << n; });
    pattern_positions_[dotted] = where;
    const auto same_key = std::find_if(spec->settings.begin(), spec->settings.end(),
                                       [&](const auto& setting) { return setting.first == key; });
    if (same_key != spec->settings.end()) {
      same_key->second = text.str();
    } else {
      spec->settings.emplace_back(key, text.str());
    }
  }

  // A key of a [breaker.NAME] table, typed here; the table is checked whole at the end.
  void visit_breaker(const std::string& dotted, const toml::node& node, toml::source_position where) {
    const std::string_view rest = std::string_view(dotted).substr(std::string_view("breaker.").size());
    const auto dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    if (!is_bare_name(name)) return fail("breaker." + name, "a breaker name is letters, digits, '_' and '-'", where);
    breakers::BreakerSpec& spec = breaker_spec(name);
    if (breaker_positions_.emplace("breaker." + name, where).second) breakers_written_.push_back(name);
    if (const toml::table* t = node.as_table()) {
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    if (dot == std::string_view::npos) return fail(dotted, "expected a table, got " + shown(node), where);
    const std::string key(rest.substr(dot + 1));
    breaker_positions_[dotted] = where;
    breaker_keys_[name].insert(key);
    auto number = [&](double& out) {
      if (const auto v = node.value<double>()) {
        out = *v;
      } else {
        fail(dotted, "expected a number, got " + shown(node), where);
      }
    };
    auto millis = [&](std::uint64_t& out) {
      double ms = 0;
      number(ms);
      if (!(ms >= 0 && ms <= 86'400'000)) return fail(dotted, "expected milliseconds from 0 to 86400000", where);
      out = static_cast<std::uint64_t>(ms * 1e6);
    };
    auto choice = [&](const auto& names, auto& out) {
      const auto text = node.value<std::string>();
      const auto index = text ? breakers::index_named(names, *text) : std::nullopt;
      if (!index) {
        std::string all;
        for (const std::string_view n : names) all += (all.empty() ? "" : ", ") + std::string(n);
        return fail(dotted, "expected one of " + all + ", got " + shown(node), where);
      }
      out = static_cast<std::remove_reference_t<decltype(out)>>(*index);
    };
    if (key == "scope") return choice(breakers::kScopeNames, spec.scope);
    if (key == "trigger") return choice(breakers::kTriggerNames, spec.trigger);
    if (key == "mode") return choice(breakers::kModeNames, spec.mode);
    if (key == "trip") return number(spec.trip);
    if (key == "clear") return number(spec.clear);
    if (key == "backoff") return number(spec.backoff);
    if (key == "window_ms") return millis(spec.window_ns);
    if (key == "min_open_ms") return millis(spec.min_open_ns);
    if (key == "clear_hold_ms") return millis(spec.clear_hold_ns);
    if (key == "probe_ms") return millis(spec.probe_ns);
    if (key == "max_open_ms") return millis(spec.max_open_ns);
    if (key == "rearm_ms") return millis(spec.rearm_ns);
    if (key == "norm_ms") return millis(spec.norm_ns);
    if (key == "reference_ms") return millis(spec.reference_ns);
    if (key == "ratchet_percent") {
      number(spec.ratchet_percent);
      if (!(spec.ratchet_percent > 0 && spec.ratchet_percent <= 100)) fail(dotted, "expected a percentage above 0", where);
      return;
    }
    if (key == "actions") {
      const toml::array* list = node.as_array();
      if (list == nullptr) return fail(dotted, "expected a list of ladder steps (shed_low, critical_only)", where);
      spec.step_count = 0;
      for (auto&& item : *list) {
        const auto text = item.value<std::string>();
        const auto step = text ? breakers::index_named(breakers::kStepNames, *text) : std::nullopt;
        if (!step) return fail(dotted, "expected shed_low or critical_only, got " + shown(item), where);
        for (std::uint8_t i = 0; i < spec.step_count; ++i) {
          if (spec.steps[i] == static_cast<breakers::Step>(*step)) return fail(dotted, "a step is listed twice", where);
        }
        spec.steps[spec.step_count++] = static_cast<breakers::Step>(*step);
      }
      return;
    }
    if (key == "promote") {
      if (const auto v = node.value<bool>()) {
        spec.promote = *v;
      } else {
        fail(dotted, "expected true or false, got " + shown(node), where);
      }
      return;
    }
    fail(dotted,
         "unknown key (scope, trigger, mode, trip, clear, window_ms, min_open_ms, clear_hold_ms, probe_ms, backoff, "
         "max_open_ms, rearm_ms, norm_ms, reference_ms, ratchet_percent, promote, actions)",
         where);
  }
  breakers::BreakerSpec& breaker_spec(const std::string& name) {
    for (breakers::BreakerSpec& b : config_.breaker_tables) {
      if (b.name == name) return b;
    }
    config_.breaker_tables.push_back(breakers::BreakerSpec{});
    config_.breaker_tables.back().name = name;
    return config_.breaker_tables.back();
  }

  void visit_stage(const std::string& dotted, const toml::node& node, toml::source_position where) {
    const std::string_view rest = std::string_view(dotted).substr(std::string_view("stage.").size());
    const auto dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    const auto it = std::find_if(config_.stages.begin(), config_.stages.end(),
                                 [&](const StageSpec& s) { return s.name == name; });
    if (it == config_.stages.end()) return fail("stage." + name, "not in pipeline.stages", where);
    if (dot == std::string_view::npos) {
      const toml::table* t = node.as_table();
      if (!t) return fail(dotted, "expected a table, got " + shown(node), where);
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    const Key* key = stage_key(rest.substr(dot + 1));
    if (!key) return fail(dotted, "unknown key", where);
    if (!in_scope(*key, *it)) return fail(dotted, out_of_scope(*key), where);
    assign(*key, &*it, dotted, node, where);
  }

  // A key of a [feed.NAME] table is checked where it is written, against the process's
  // settings read so far with the feed's own before it, then kept as TOML text: the
  // process's settings may still change (later files, --set) and the feed's apply over them.
  void visit_feed(const std::string& dotted, const toml::node& node, toml::source_position where) {
    const std::string_view rest = std::string_view(dotted).substr(std::string_view("feed.").size());
    const auto dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    if (!is_bare_name(name)) return fail("feed." + name, "a feed name is letters, digits, '_' and '-'", where);
    auto feed = std::find_if(config_.feeds.begin(), config_.feeds.end(),
                             [&](const FeedSpec& f) { return f.name == name; });
    if (feed == config_.feeds.end()) {
      if (config_.feeds.size() == kMaxFeeds) {
        return fail("feed." + name, "at most " + std::to_string(kMaxFeeds) + " feeds", where);
      }
      feed = config_.feeds.insert(config_.feeds.end(), FeedSpec{.name = name, .settings = {}});
    }
    if (const toml::table* t = node.as_table()) {
      for (auto&& [k, v] : *t) visit(dotted + "." + std::string(k.str()), v, k.source().begin);
      return;
    }
    if (dot == std::string_view::npos) return fail(dotted, "expected a table, got " + shown(node), where);
    const std::string key(rest.substr(dot + 1));
    if (key.starts_with("feed.")) return fail(dotted, "a feed table holds no other feed", where);
    if (process_wide_key(key)) {
      return fail(dotted, "holds for the whole process: set it outside [feed." + name + "]", where);
    }
    AppConfig scratch = config_;
    scratch.feeds.clear();
    std::string ignored;
    for (const auto& [k, v] : feed->settings) (void)apply_override(k + "=" + v, scratch, ignored);
    Applier check(scratch);
    check.visit(key, node, where);
    for (const Problem& p : check.problems()) fail("feed." + name + "." + p.key, p.message, p.where);
    if (!check.problems().empty()) return;
    std::ostringstream text;
    node.visit([&text](const auto& n) { text << n; });
    const auto same_key = std::find_if(feed->settings.begin(), feed->settings.end(),
                                       [&](const auto& setting) { return setting.first == key; });
    if (same_key != feed->settings.end()) {
      same_key->second = text.str();
    } else {
      feed->settings.emplace_back(key, text.str());
    }
  }

  void assign(const Key& key, StageSpec* stage, const std::string& dotted, const toml::node& node,
              toml::source_position where) {
    std::string why;
    const std::optional<Value> v = read_value(key, node, why);
    if (!v) return fail(dotted, why, node.source().begin.line != 0 ? node.source().begin : where);
    key.set(config_, stage, *v);
  }

  void fail(std::string key, std::string message, toml::source_position where) {
    problems_.push_back({std::move(key), std::move(message), where});
  }

  AppConfig& config_;
  const toml::node* applied_first_ = nullptr;
  std::vector<Problem> problems_;
  // Where each [pattern.NAME] is in config_.pattern_tables (appended when new): a config may
  // hold 10,000 of them, too many to search for at each key.
  std::size_t pattern_index(const std::string& name) {
    if (pattern_index_.size() != config_.pattern_tables.size()) {
      for (std::size_t i = 0; i < config_.pattern_tables.size(); ++i) pattern_index_.emplace(config_.pattern_tables[i].name, i);
    }
    const auto [it, added] = pattern_index_.emplace(name, config_.pattern_tables.size());
    if (added) config_.pattern_tables.push_back(patterns::PatternSpec{name, {}});
    return it->second;
  }
  std::unordered_map<std::string, std::size_t> pattern_index_;
  std::vector<std::string> patterns_written_;
  std::map<std::string, toml::source_position> pattern_positions_;
  std::vector<std::string> breakers_written_;
  std::map<std::string, toml::source_position> breaker_positions_;
  std::map<std::string, std::set<std::string>> breaker_keys_;  // the keys each table wrote
};

// The first problem as the file reads (a table iterates in key order, not file order).
const Problem& first_in_file(const std::vector<Problem>& problems) {
  return *std::min_element(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
}

std::string at(std::string_view source, toml::source_position where) {
  std::string out(source);
  if (where.line != 0) out += ":" + std::to_string(where.line);
  return out;
}

// A global key, a stage key (stage.NAME.KEY), or null for tables and unknown keys.
const Key* key_named(std::string_view dotted) {
  if (dotted.starts_with("feed.")) {
    const std::string_view rest = dotted.substr(std::string_view("feed.").size());
    const auto dot = rest.find('.');
    return dot == std::string_view::npos ? nullptr : key_named(rest.substr(dot + 1));
  }
  if (dotted.starts_with("stage.")) {
    const std::string_view rest = dotted.substr(std::string_view("stage.").size());
    const auto dot = rest.find('.');
    return dot == std::string_view::npos ? nullptr : stage_key(rest.substr(dot + 1));
  }
  const auto it = schema().by_name.find(dotted);
  return it != schema().by_name.end() ? &schema().keys[it->second] : nullptr;
}

bool read_whole_file(const std::string& path, std::string& text, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int read_errno = errno;
  std::fclose(f);
  if (failed) {
    error = path + ": " + std::strerror(read_errno);
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Equality of the dataplane structs, which have no operator== of their own. Only the fields
// the keys set are settings; the rest (book.max_feeds, the scheduler's and the detector's
// max_instruments, stage_id, retire_events, journal_swaps, arrival) are wired by the
// command that runs, and are left out so that wiring added there never splits two equal
// settings. A key added to the schema must add its field here.

bool same(const book::BookConfig& a, const book::BookConfig& b) {
  return a.max_orders == b.max_orders && a.max_levels == b.max_levels && a.max_instruments == b.max_instruments &&
         a.prefault == b.prefault && a.huge_pages == b.huge_pages && a.prefetch == b.prefetch;
}

bool same(const feed::SequencerConfig& a, const feed::SequencerConfig& b) {
  return a.reorder_window_ns == b.reorder_window_ns && a.buffered_packets == b.buffered_packets &&
         a.max_packet_bytes == b.max_packet_bytes && a.stale_after_ns == b.stale_after_ns;
}

bool same(const recovery::RecoveryConfig& a, const recovery::RecoveryConfig& b) {
  return a.request_after_ns == b.request_after_ns && a.retry_after_ns == b.retry_after_ns &&
         a.max_attempts == b.max_attempts && a.max_messages_per_request == b.max_messages_per_request &&
         a.min_interval_ns == b.min_interval_ns && a.max_hole_messages == b.max_hole_messages;
}

bool same(const sched::WorkerConfig& a, const sched::WorkerConfig& b) {
  return a.inbox.capacity == b.inbox.capacity && a.inbox.when_full == b.inbox.when_full &&
         a.scheduler.max_wait_ns == b.scheduler.max_wait_ns && a.output_capacity == b.output_capacity &&
         a.messages_per_poll == b.messages_per_poll;
}

bool same(const events::ClassificationRules& a, const events::ClassificationRules& b) {
  return a.by_kind == b.by_kind && a.deep_level == b.deep_level && a.jump_basis_points == b.jump_basis_points &&
         a.withdrawal_percent == b.withdrawal_percent && a.min_touch_size == b.min_touch_size;
}

bool same(const stages::PriceMoveConfig& a, const stages::PriceMoveConfig& b) {
  return a.window_ns == b.window_ns && a.jump_basis_points == b.jump_basis_points &&
         a.drop_percent == b.drop_percent && a.min_touch_size == b.min_touch_size;
}

}  // namespace

bool operator==(const AppConfig& a, const AppConfig& b) {
  return same(a.book, b.book) && same(a.sequencer, b.sequencer) && same(a.recovery, b.recovery) &&
         a.recovery_server == b.recovery_server && a.snapshot_server == b.snapshot_server &&
         a.snapshot_wait_ms == b.snapshot_wait_ms && a.eal == b.eal && a.idle_exit_ms == b.idle_exit_ms &&
         a.filters == b.filters && a.workers == b.workers && same(a.worker, b.worker) &&
         same(a.classification, b.classification) && a.stages == b.stages && same(a.price_move, b.price_move) &&
         a.memory_budget_mb == b.memory_budget_mb && a.warn_fill_percent == b.warn_fill_percent &&
         a.replay_speed == b.replay_speed && a.replay_rate == b.replay_rate && a.replay_burst == b.replay_burst &&
         a.journal == b.journal && a.journal_events == b.journal_events && a.latency_report == b.latency_report &&
         a.stats == b.stats && a.report == b.report && a.status_interval_s == b.status_interval_s &&
         a.control_socket == b.control_socket && a.rx_cpu == b.rx_cpu &&
         a.worker_cpus == b.worker_cpus && a.control_cpu == b.control_cpu && a.files == b.files &&
         a.ports == b.ports && a.feeds == b.feeds && a.pattern_tables == b.pattern_tables &&
         a.breaker_tables == b.breaker_tables && a.breaker_max_promoted == b.breaker_max_promoted &&
         a.clock_offset_ns == b.clock_offset_ns && a.session_date == b.session_date &&
         a.patterns.workers == b.patterns.workers && a.patterns.levels == b.patterns.levels &&
         a.patterns.ring_updates == b.patterns.ring_updates && a.patterns.max_securities == b.patterns.max_securities &&
         a.patterns.output_records == b.patterns.output_records &&
         a.patterns.max_instances == b.patterns.max_instances &&
         a.patterns.securities_file == b.patterns.securities_file &&
         a.patterns.conflict_window_ns == b.patterns.conflict_window_ns &&
         a.patterns.conflict_policy == b.patterns.conflict_policy &&
         a.patterns.merge_skew_ns == b.patterns.merge_skew_ns &&
         a.patterns.merge_max_hold_ns == b.patterns.merge_max_hold_ns;
}

AppConfig default_config() { return AppConfig{}; }

bool parse_cpu_list(std::string_view text, std::vector<unsigned>& cpus) {
  cpus.clear();
  constexpr unsigned kMaxCpu = 4095;
  auto number = [](std::string_view t, unsigned& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc{} && end == t.data() + t.size() && !t.empty() && out <= kMaxCpu;
  };
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    unsigned first = 0, last = 0;
    if (dash == std::string_view::npos) {
      if (!number(item, first)) return false;
      last = first;
    } else if (!number(item.substr(0, dash), first) || !number(item.substr(dash + 1), last) || last < first) {
      return false;
    }
    for (unsigned c = first; c <= last; ++c) cpus.push_back(c);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;  // a trailing comma
  }
  return !cpus.empty();
}

bool apply_text(std::string_view toml_text, std::string_view source_name, AppConfig& config, std::string& error) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    error = at(source_name, e.source().begin) + ": " + std::string(e.description());
    return false;
  }
  AppConfig next = config;
  Applier applier(next);
  if (const toml::node* stages = doc.at_path("pipeline.stages").node()) applier.visit_first("pipeline.stages", *stages);
  // A bad stage list would make every [stage.NAME] table look misplaced: report it alone.
  if (applier.problems().empty()) {
    for (auto&& [k, v] : doc) applier.visit(std::string(k.str()), v, k.source().begin);
  }
  if (applier.problems().empty()) applier.check_patterns();
  if (applier.problems().empty()) applier.check_breakers();
  if (!applier.problems().empty()) {
    const Problem& p = first_in_file(applier.problems());
    error = at(source_name, p.where) + ": " + p.key + ": " + p.message;
    return false;
  }
  config = std::move(next);
  return true;
}

bool apply_file(const std::string& path, AppConfig& config, std::string& error) {
  std::string text;
  return read_whole_file(path, text, error) && apply_text(text, path, config, error);
}

bool apply_override(std::string_view assignment, AppConfig& config, std::string& error) {
  const std::string head = "--set " + std::string(assignment) + ": ";
  const auto eq = assignment.find('=');
  const std::string key(trimmed(assignment.substr(0, eq)));
  if (eq == std::string_view::npos || key.empty()) {
    error = head + "expected KEY=VALUE";
    return false;
  }
  const std::string_view raw = trimmed(assignment.substr(eq + 1));

  // The value as TOML; a wrapper holding anything but the one key means the text tried to
  // add keys of its own (a newline in it), and is taken literally instead.
  toml::table wrapper;
  const toml::node* node = nullptr;
  try {
    wrapper = toml::parse("v = " + std::string(raw));
    if (wrapper.size() == 1) node = wrapper.get("v");
  } catch (const toml::parse_error&) {
  }
  toml::value<std::string> literal{std::string(raw)};
  toml::array pieces;
  const Key* target = key_named(key);
  if (target && target->kind == Kind::kString && !(node && node->is_string())) {
    node = &literal;
  } else if (target && target->kind == Kind::kList && !node) {
    for (std::string_view rest = raw; !rest.empty();) {
      const auto comma = rest.find(',');
      const std::string_view piece = trimmed(rest.substr(0, comma));
      if (!piece.empty()) pieces.push_back(std::string(piece));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    node = &pieces;
  } else if (!node) {
    node = &literal;  // not TOML: a string, so the error shows what was given
  }

  AppConfig next = config;
  Applier applier(next);
  applier.visit(key, *node, {});
  // A pattern's key alone cannot be judged before its table has a template: --set keys are
  // checked with their table in validate().
  if (!applier.problems().empty()) {
    const Problem& p = applier.problems().front();
    error = head + (p.key == key ? "" : p.key + ": ") + p.message;
    return false;
  }
  config = std::move(next);
  return true;
}

namespace {

// What several feeds must not share: an output file (compared as absolute, normalised
// paths), or a CPU for their data threads.
bool validate_feeds(const AppConfig& config, std::string& error) {
  std::vector<AppConfig> feeds(config.feeds.size());
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    if (!feed_config(config, config.feeds[i], feeds[i], error)) return false;
  }
  std::vector<std::pair<std::filesystem::path, std::string>> outputs;  // (file, "feed.NAME.output.KEY")
  std::vector<std::pair<unsigned, std::string>> pinned;                 // (CPU, "feed.NAME.cpus.KEY")
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    const std::string feed = "feed." + config.feeds[i].name + ".";
    for (const auto& [key, path] : {std::pair<const char*, const std::string*>{"output.journal", &feeds[i].journal},
                                    {"output.latency_report", &feeds[i].latency_report}}) {
      if (path->empty()) continue;
      std::error_code ec;
      std::filesystem::path file = std::filesystem::absolute(*path, ec).lexically_normal();
      if (ec) file = std::filesystem::path(*path).lexically_normal();
      const auto other = std::find_if(outputs.begin(), outputs.end(), [&](const auto& o) { return o.first == file; });
      if (other != outputs.end()) {
        error = other->second + " and " + feed + key + ": both write " + *path;
        return false;
      }
      outputs.emplace_back(std::move(file), feed + key);
    }
    std::vector<unsigned> cpus;
    for (const auto& [key, text] : {std::pair<const char*, const std::string*>{"cpus.rx", &feeds[i].rx_cpu},
                                    {"cpus.workers", &feeds[i].worker_cpus}}) {
      if (text->empty() || !parse_cpu_list(*text, cpus)) continue;
      for (const unsigned cpu : cpus) {
        const auto other = std::find_if(pinned.begin(), pinned.end(), [&](const auto& p) { return p.first == cpu; });
        // A feed's own RX and workers sharing a CPU is its own layout's business; two feeds'
        // poll-mode threads on one CPU would take turns at polling.
        if (other != pinned.end() && !other->second.starts_with(feed)) {
          error = other->second + " and " + feed + key + ": both on CPU " + std::to_string(cpu) +
                  " (each feed's data threads need cores of their own)";
          return false;
        }
        pinned.emplace_back(cpu, feed + key);
      }
    }
  }
  return true;
}

}  // namespace

bool validate_patterns(const AppConfig& config, std::string& error) {
  for (const patterns::PatternSpec& spec : config.pattern_tables) {
    error = patterns::check_pattern(spec);
    if (!error.empty()) return false;
  }
  if (config.pattern_tables.size() > config.patterns.max_instances) {
    error = "patterns.max_instances: " + std::to_string(config.patterns.max_instances) + " is fewer than the " +
            std::to_string(config.pattern_tables.size()) + " [pattern.NAME] tables";
    return false;
  }
  if (!config.session_date.empty()) {
    const std::string& d = config.session_date;
    const bool shaped = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                        std::all_of(d.begin(), d.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
    const int month = shaped ? std::stoi(d.substr(5, 2)) : 0;
    const int day = shaped ? std::stoi(d.substr(8, 2)) : 0;
    if (!shaped || month < 1 || month > 12 || day < 1 || day > 31) {
      error = "input.session_date: expected YYYY-MM-DD, got \"" + d + "\"";
      return false;
    }
  }
  return true;
}

bool validate(const AppConfig& config, std::string& error) {
  if (!validate_patterns(config, error)) return false;
  // A breaker key given alone (--set, `ctl breaker set`) is judged with its table here.
  for (const breakers::BreakerSpec& b : config.breaker_tables) {
    std::string why = breakers::check(b);
    if (why.empty() && !breakers::runs_in(b.trigger, b.scope)) {
      why = "breaker." + b.name + ".trigger: " + std::string(breakers::kTriggerNames[static_cast<std::size_t>(b.trigger)]) +
            " does not run in the " + std::string(breakers::kScopeNames[static_cast<std::size_t>(b.scope)]) + " scope";
    }
    if (!why.empty()) {
      error = why;
      return false;
    }
  }
  // With feeds, the process's settings never run as they are: each feed's do, and those are
  // checked whole (every key's range again, and the rules across keys).
  if (!config.feeds.empty()) return validate_feeds(config, error);
  const Schema& s = schema();
  for (const Key& key : s.keys) {
    if (std::string why = value_problem(key, key.get(config, nullptr)); !why.empty()) {
      error = key.name + ": " + why;
      return false;
    }
  }
  for (const StageSpec& stage : config.stages) {
    const std::string prefix = "stage." + stage.name + ".";
    for (const Key& key : s.stage_keys) {
      if (!in_scope(key, stage)) continue;
      if (std::string why = value_problem(key, key.get(config, &stage)); !why.empty()) {
        error = prefix + key.name + ": " + why;
        return false;
      }
    }
    const bool built_in = stage.name == kBuiltInStage;
    if (built_in && !stage.plugin.empty()) {
      error = prefix + "plugin: " + out_of_scope(*stage_key("plugin"));
      return false;
    }
    if (!built_in && stage.plugin.empty()) {
      error = prefix + "plugin: required: " + stage.name + " is not the built-in " + std::string(kBuiltInStage);
      return false;
    }
  }
  // Re-requests go out only once a hole has waited for line B; if the window gave up first,
  // recovery would never ask.
  if (!config.recovery_server.empty() && config.recovery.request_after_ns >= config.sequencer.reorder_window_ns) {
    error = "recovery.request_after_us: " + std::to_string(config.recovery.request_after_ns / 1000) +
            " must be below sequencer.reorder_window_us (" +
            std::to_string(config.sequencer.reorder_window_ns / 1000) + "), or no hole is ever asked for";
    return false;
  }
  {
    std::vector<unsigned> cpus;
    const std::pair<const char*, const std::string*> single[] = {{"cpus.rx", &config.rx_cpu},
                                                                  {"cpus.control", &config.control_cpu}};
    for (const auto& [name, text] : single) {
      if (!text->empty() && (!parse_cpu_list(*text, cpus) || cpus.size() != 1)) {
        error = std::string(name) + ": expected one CPU number, got \"" + *text + "\"";
        return false;
      }
    }
    if (!config.worker_cpus.empty()) {
      if (!parse_cpu_list(config.worker_cpus, cpus)) {
        error = "cpus.workers: expected CPU numbers like \"3,4\" or \"3-4\", got \"" + config.worker_cpus + "\"";
        return false;
      }
      if (cpus.size() != config.workers) {
        error = "cpus.workers: " + std::to_string(cpus.size()) + " CPUs for workers.count = " +
                std::to_string(config.workers) + " workers (one each)";
        return false;
      }
    }
  }
  if (config.replay_speed != 0 && config.replay_rate != 0) {
    error = "replay.speed, replay.rate: give one or the other (speed follows capture time, rate counts messages)";
    return false;
  }
  if (config.replay_burst != 1 && config.replay_rate == 0) {
    error = "replay.burst: only applies with replay.rate";
    return false;
  }
  if (config.journal_events && config.journal.empty()) {
    error = "output.journal_events: needs output.journal";
    return false;
  }
  if (!config.control_socket.empty() && config.workers == 0) {
    error = "control.socket: needs workers.count of 1 or more (inline, the one thread is the RX core and cannot "
            "serve commands)";
    return false;
  }
  return true;
}

bool process_wide_key(std::string_view dotted) {
  if (dotted.starts_with("patterns.") || dotted.starts_with("pattern.")) return true;  // one pattern layer
  static constexpr std::string_view kProcessWide[] = {"input.eal",   "memory.budget_mb", "cpus.control",
                                                      "control.socket", "replay.speed", "replay.rate",
                                                      "replay.burst", "output.report",
                                                      "output.status_interval_s"};
  return std::find(std::begin(kProcessWide), std::end(kProcessWide), dotted) != std::end(kProcessWide);
}

std::string with_feed_name(const std::string& path, const std::string& name) {
  if (path.empty()) return path;
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  const bool has_extension = dot != std::string::npos && dot != 0 && (slash == std::string::npos || dot > slash + 1);
  return has_extension ? path.substr(0, dot) + "." + name + path.substr(dot) : path + "." + name;
}

bool feed_config(const AppConfig& process, const FeedSpec& feed, AppConfig& out, std::string& error) {
  AppConfig next = process;
  next.feeds.clear();
  auto sets = [&feed](std::string_view key) {
    return std::any_of(feed.settings.begin(), feed.settings.end(), [&](const auto& s) { return s.first == key; });
  };
  for (const auto& [key, value] : feed.settings) {
    const std::string assignment = key + "=" + value;
    if (!apply_override(assignment, next, error)) {
      // Past apply_override's "--set KEY=VALUE: ".
      error = "feed." + feed.name + "." + key + ": " + error.substr(std::string("--set " + assignment + ": ").size());
      return false;
    }
  }
  if (!sets("output.journal")) next.journal = with_feed_name(process.journal, feed.name);
  if (!sets("output.latency_report")) next.latency_report = with_feed_name(process.latency_report, feed.name);
  next.control_socket = with_feed_name(process.control_socket, feed.name);
  if (!validate(next, error)) {
    error = "feed." + feed.name + ": " + error;
    return false;
  }
  out = std::move(next);
  return true;
}

std::string to_toml(const AppConfig& config) {
  const Schema& s = schema();
  std::string out =
      "# tickwire settings: every key with its value. A file may give any of them, and\n"
      "# --set KEY=VALUE overrides one on the command line.\n";
  // One [table] per group of keys, in the order the groups first appear: TOML forbids
  // opening a table twice.
  std::vector<std::pair<std::string, std::vector<const Key*>>> groups;
  for (const Key& key : s.keys) {
    // Keys outside any table come first: TOML reads a key after a table header as the table's.
    if (key.name.find('.') == std::string::npos) {
      out += "\n# " + described(key) + "\n" + key.name + " = " + render(key.get(config, nullptr)) + "\n";
      continue;
    }
    const std::string table = key.name.substr(0, key.name.rfind('.'));
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == table; });
    if (it == groups.end()) it = groups.insert(groups.end(), {table, {}});
    it->second.push_back(&key);
  }
  for (const auto& [table, keys] : groups) {
    out += "\n[" + table + "]\n";
    for (const Key* key : keys) {
      out += "# " + described(*key) + "\n";
      out += key->name.substr(table.size() + 1) + " = " + render(key->get(config, nullptr)) + "\n";
    }
  }
  for (const StageSpec& stage : config.stages) {
    out += "\n[stage." + (is_bare_name(stage.name) ? stage.name : toml_quoted(stage.name)) + "]\n";
    for (const Key& key : s.stage_keys) {
      if (!in_scope(key, stage)) continue;
      out += "# " + described(key) + "\n";
      out += key.name + " = " + render(key.get(config, &stage)) + "\n";
    }
  }
  for (const patterns::PatternSpec& pattern : config.pattern_tables) {
    out += "\n# a pattern instance (docs/configuration.md lists each template's keys)\n[pattern." + pattern.name + "]\n";
    for (const auto& [key, value] : pattern.settings) out += key + " = " + value + "\n";
  }
  for (const FeedSpec& feed : config.feeds) {
    out += "\n# feed session " + feed.name + ": its own RX thread, books and workers; these keys differ from the "
           "process's\n[feed." + feed.name + "]\n";
    for (const auto& [key, value] : feed.settings) out += key + " = " + value + "\n";
  }
  if (config.feeds.empty()) {
    out += "\n# Several feed sessions in one process, each with its own RX thread, books and workers:\n"
           "# a [feed.NAME] table each (at most " + std::to_string(kMaxFeeds) +
           "), holding the keys above that differ for that feed\n"
           "# (all but input.eal, memory.budget_mb, cpus.control, control.socket, output.report,\n"
           "# output.status_interval_s and replay.*), e.g.\n"
           "#   [feed.nasdaq]\n"
           "#   input.filter = [\"233.54.12.111:26477\", \"233.49.196.111:26477\"]\n"
           "#   cpus.rx = \"2\"\n";
  }
  return out;
}

std::string reference_markdown(const AppConfig& config) {
  const Schema& s = schema();
  // A table cell: pipes escaped, the value as TOML writes it.
  auto cell = [](std::string text) {
    std::string out;
    for (const char c : text) {
      if (c == '|') out += '\\';
      out += c;
    }
    return out;
  };
  std::string out;
  std::string table;
  for (const Key& key : s.keys) {
    const bool top = key.name.find('.') == std::string::npos;
    const std::string group = top ? "" : key.name.substr(0, key.name.find('.'));
    if (group != table || out.empty()) {
      table = group;
      out += top ? std::string("\n### Outside any table\n\n| key | default | what it sets |\n|---|---|---|\n")
                 : "\n### [" + table + "]\n\n| key | default | what it sets |\n|---|---|---|\n";
    }
    out += "| `" + key.name + "` | `" + cell(render(key.get(config, nullptr))) + "` | " + cell(described(key)) + " |\n";
  }
  for (const StageSpec& stage : config.stages) {
    out += "\n### [stage." + stage.name + "]\n\n| key | default | what it sets |\n|---|---|---|\n";
    for (const Key& key : s.stage_keys) {
      if (!in_scope(key, stage)) continue;
      out += "| `" + key.name + "` | `" + cell(render(key.get(config, &stage))) + "` | " + cell(described(key)) + " |\n";
    }
  }
  out += "\n### [stage.NAME] of a plugin stage\n\n| key | what it sets |\n|---|---|\n";
  for (const Key& key : s.stage_keys) {
    if (key.scope == Scope::kBuiltIn) continue;
    out += "| `" + key.name + "` | " + cell(described(key)) + " |\n";
  }
  out += "\n### [pattern.NAME]\n\nEach table is one pattern instance: `template` names its template, `securities` the "
         "securities it watches (by symbol), and the template's own keys follow.\n" +
         patterns::pattern_reference_markdown();
  const breakers::BreakerSpec d;
  auto ms = [](std::uint64_t ns) { return std::to_string(ns / 1'000'000); };
  out += "\n### [breaker.NAME]\n\nEach table is one circuit breaker (docs/breakers.md); every feed runs its own.\n\n"
         "| key | default | what it sets |\n|---|---|---|\n"
         "| `scope` | `system` | where it runs: system (the feed's pipeline), security (one breaker per instrument) "
         "or market (the feed's market as a whole) |\n"
         "| `trigger` | `message_rate` | what it watches. system: message_rate (messages per second of exchange time over "
         "the window). security: volatility (the mid's move in sigmas), band (percent from a ratcheting reference), "
         "spread (multiples of its norm), quote_rate (top-of-book changes per second over the window), halt (1 while "
         "halted, paused or in a LULD auction). system on the receive clock: ring_fill (the fullest non-critical ring "
         "of the feed's workers, percent). market: open_share (percent of the feed's instruments with a security "
         "breaker open), mwcb (the market-wide circuit breaker level ITCH W breached, while its halt lasts) |\n"
         "| `trip` | (required; halt, mwcb: 0.5) | opens when the value rises above this (above 0; ring_fill: at most 100) |\n"
         "| `clear` | (required; halt, mwcb: 0) | may close once the value is at or below this; 0 or more, below trip |\n"
         "| `window_ms` | `" + ms(d.window_ns) + "` | the window the trigger's value is taken over [0.001 to 3600000] |\n"
         "| `min_open_ms` | `" + ms(d.min_open_ns) + "` | the dwell: open at least this long |\n"
         "| `clear_hold_ms` | `" + ms(d.clear_hold_ns) + "` | the value stays at or below clear this long before a probe |\n"
         "| `probe_ms` | `" + ms(d.probe_ns) + "` | how long half_open lasts |\n"
         "| `backoff` | `2` | the dwell's factor when it opens again within rearm_ms or fails a probe [1 or more] |\n"
         "| `max_open_ms` | `" + ms(d.max_open_ns) + "` | the longest the dwell grows to |\n"
         "| `rearm_ms` | `" + ms(d.rearm_ns) + "` | \"soon\" after closing |\n"
         "| `mode` | `enforce` | enforce, or shadow: journal what it would do and do nothing |\n"
         "| `norm_ms` | `" + ms(d.norm_ns) + "` | volatility, spread: the time constant of the norm (an event-time EWMA) |\n"
         "| `reference_ms` | `" + ms(d.reference_ns) + "` | band: the time constant of the trailing average |\n"
         "| `ratchet_percent` | `1` | band: the reference moves to the average once it is this far |\n"
         "| `promote` | `true` | security: while open, the instrument's top-of-book and trade messages are critical "
         "(at most breaker.max_promoted instruments at once) |\n"
         "| `actions` | `[]` | system: the ladder, in the order its steps are taken: shed_low (low-class messages are not "
         "queued for the workers), critical_only (only critical messages and those with a top of book, a trade or a "
         "state change are) |\n";
  return out;
}

std::vector<std::pair<std::string, std::string>> describe_keys() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Key& key : schema().keys) out.emplace_back(key.name, described(key));
  for (const Key& key : schema().stage_keys) {
    const std::string stage = key.scope == Scope::kBuiltIn ? std::string(kBuiltInStage) : "<name>";
    std::string text = described(key);
    if (key.scope == Scope::kPlugin) text += " (stages other than " + std::string(kBuiltInStage) + ")";
    out.emplace_back("stage." + stage + "." + key.name, std::move(text));
  }
  return out;
}

}  // namespace tickwire::config
