// A run's figures: named values in the order they were added, one style for all of them.
// Printed as aligned `key value` lines (--stats, `ctl stats`) or as one flat JSON object
// (--report FILE, for scripts); the human summary reads the same figures by name.
//
// Keys are dotted paths, lower case: `drops.ipv4_bad_checksum`, `worker0.low.shed.ring_full`,
// `latency.end_to_end.p99_9_ns`. A latency histogram becomes `NAME.count`, `NAME.p50_ns`,
// `NAME.p90_ns`, `NAME.p99_ns`, `NAME.p99_9_ns`, `NAME.p99_99_ns` and `NAME.max_ns`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dataplane/metrics/latency_histogram.h"

namespace tickwire::report {

class Figures {
 public:
  using Value = std::variant<std::uint64_t, double, std::string>;
  struct Entry {
    std::string key;
    Value value;
  };

  void add(std::string key, std::uint64_t value) { entries_.push_back({std::move(key), value}); }
  // A share in percent, printed with one decimal.
  void add_percent(std::string key, std::uint64_t part, std::uint64_t whole);
  void add_text(std::string key, std::string value) { entries_.push_back({std::move(key), std::move(value)}); }
  void add_histogram(const std::string& name, const metrics::LatencyHistogram& h);
  // Every entry of `other`, its key after `prefix`.
  void append(const Figures& other, const std::string& prefix);

  [[nodiscard]] const Entry* find(std::string_view key) const noexcept;
  // The count under `key`; 0 when there is none (or it is not a count).
  [[nodiscard]] std::uint64_t count(std::string_view key) const noexcept;
  [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return entries_; }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }

  void print(std::FILE* out) const;
  [[nodiscard]] std::string json() const;

 private:
  std::vector<Entry> entries_;
};

// The percentiles every histogram reports, and the key suffix of each.
struct PercentileName {
  double percentile;
  std::string_view suffix;
};
inline constexpr PercentileName kReportedPercentiles[] = {
    {50, "p50_ns"}, {90, "p90_ns"}, {99, "p99_ns"}, {99.9, "p99_9_ns"}, {99.99, "p99_99_ns"}};

}  // namespace tickwire::report
