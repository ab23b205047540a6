// Pattern signals as journal lines, one JSON object each, in the merge order:
//   {"seq":N,"feed":"bx","pattern":"xv","template":"cross_venue","signal":"crossed","stocks":["AAPL"],
//    "exchange_time":T,"score":1.25,"version":1,"bid_feed":"bx","ask_feed":"nasdaq","bid":1002000,
//    "ask":1001800,"bid_state":"trading","ask_state":"trading"}
//   {"seq":N,"feed":"nasdaq","pattern":"spy_qqq","template":"pair_spread","signal":"divergence",
//    "stocks":["SPY","QQQ"],"exchange_time":T,"score":2.61,"version":1,"direction":"sell",
//    "legs":[{"stock":"SPY","mid2":9000200},{"stock":"QQQ","mid2":7600100}]}
// `seq` and `feed` are those of the last update of the batch that fired it (for cross_venue,
// the batch's last update touching the security); `exchange_time` is that batch's time, in
// ns since midnight Eastern; prices are raw integers in 1/10,000 (mid2: bid + ask);
// `conflicting` marks a signal another instance contradicted within the conflict window.
//   {"seq":N,"feed":"nasdaq","merge":"lagging","merge_feed":"bx","exchange_time":T}   (live: feed bx
//    declared lagging; keyed by the first update released after, on which it took effect)
//   {"seq":N,"feed":"bx","pattern":"xv","template":"cross_venue","change":"added","version":1,
//    "exchange_time":T}   (tickwire ctl pattern add|remove|set: in force from this update on)
//   {"seq":N,"feed":"bx","securities":"reloaded","version":2,"file":"secs.toml","sha256":"...",
//    "count":12,"feed_symbols":3,"rebuilt":[{"pattern":"qqq","version":2}],"exchange_time":T}
//    (tickwire ctl securities reload: the file's data in force from this update on)
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/format/text_buffer.h"
#include "dataplane/patterns/pattern_signal.h"

namespace tickwire::format {

struct PatternNames {
  std::vector<std::string> feeds;      // by rank
  std::vector<std::int64_t> offsets;   // each feed's clock offset (ns)
  std::vector<std::string> patterns;   // by instance id
  std::vector<std::string> templates;  // by instance id
  // By reference data version: a reload line's fields between "version" and "exchange_time"
  // (sized at start; the control thread fills one before the reload reaches a thread).
  std::vector<std::string> reloads;
};

class PatternWriter {
 public:
  // `out` null: lines are held (held_text()), for the summary's examples.
  PatternWriter(std::FILE* out, const PatternNames& names) : out_(out), names_(names) {}

  // `security_name(id)`: the symbol of a security id in the signal.
  void signal(const patterns::PatternSignal& s, const std::function<std::string_view(std::uint32_t)>& security_name);
  void merge_notice(const patterns::PatternSignal& s);
  void flush() { out_.flush(); }
  [[nodiscard]] bool failed() const noexcept { return out_.failed(); }
  [[nodiscard]] std::string_view held_text() const noexcept { return out_.text(); }
  void clear_held() noexcept { out_.clear(); }

 private:
  void field(std::string_view key, std::string_view value);
  void field(std::string_view key, std::int64_t value);
  void head(std::uint16_t feed, std::uint64_t sequence);
  void change(const patterns::PatternSignal& s);
  void reload(const patterns::PatternSignal& s);
  [[nodiscard]] std::int64_t exchange_time(std::uint16_t feed, std::uint64_t time_ns) const noexcept;

  TextBuffer out_;
  const PatternNames& names_;
};

}  // namespace tickwire::format
