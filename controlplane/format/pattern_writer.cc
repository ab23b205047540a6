#include "controlplane/format/pattern_writer.h"

#include <cmath>
#include <cstdio>

#include "dataplane/events/stream_key.h"
#include "dataplane/patterns/market_update.h"
#include "dataplane/patterns/session_clock.h"

namespace tickwire::format {

namespace {
// Prices as the rest of the journal shows them: raw integers in 1/10,000.
std::int64_t journal_price(patterns::Price8 p) noexcept { return p / patterns::kPrice8PerItch; }
}  // namespace

void PatternWriter::field(std::string_view key, std::string_view value) {
  out_.put(",\"");
  out_.put(key);
  out_.put("\":\"");
  out_.put_json_escaped(value);
  out_.put('"');
}

void PatternWriter::field(std::string_view key, std::int64_t value) {
  out_.put(",\"");
  out_.put(key);
  out_.put("\":");
  if (value < 0) out_.put('-');
  out_.put_uint(value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value));
}

std::int64_t PatternWriter::exchange_time(std::uint16_t feed, std::uint64_t time_ns) const noexcept {
  const std::int64_t offset = feed < names_.offsets.size() ? names_.offsets[feed] : 0;
  const std::int64_t t = static_cast<std::int64_t>(time_ns) - offset;
  return t - patterns::eastern_midnight_ns(patterns::eastern_day_of(t));
}

void PatternWriter::head(std::uint16_t feed, std::uint64_t sequence) {
  out_.put("{\"seq\":");
  out_.put_uint(events::feed_sequence(sequence));
  field("feed", feed < names_.feeds.size() ? std::string_view(names_.feeds[feed]) : std::string_view("?"));
}

void PatternWriter::signal(const patterns::PatternSignal& s,
                           const std::function<std::string_view(std::uint32_t)>& security_name) {
  if (s.kind == patterns::PatternSignalKind::kFeedLagging || s.kind == patterns::PatternSignalKind::kFeedCaughtUp) {
    return merge_notice(s);
  }
  if (s.kind == patterns::PatternSignalKind::kPatternAdded || s.kind == patterns::PatternSignalKind::kPatternRemoved ||
      s.kind == patterns::PatternSignalKind::kPatternSet) {
    return change(s);
  }
  if (s.kind == patterns::PatternSignalKind::kSecuritiesReloaded) return reload(s);
  head(s.feed, s.sequence);
  field("pattern", s.instance < names_.patterns.size() ? std::string_view(names_.patterns[s.instance]) : "?");
  field("template", s.instance < names_.templates.size() ? std::string_view(names_.templates[s.instance]) : "?");
  const auto kind = static_cast<std::size_t>(s.kind);
  field("signal", kind < patterns::kPatternSignalKindCount ? patterns::kPatternSignalKindNames[kind] : "?");
  out_.put(",\"stocks\":[");
  for (std::size_t i = 0; i < s.legs && i < patterns::kMaxLegs; ++i) {
    if (i != 0) out_.put(',');
    out_.put('"');
    out_.put_json_escaped(security_name(s.securities[i]));
    out_.put('"');
  }
  out_.put(']');
  field("exchange_time", exchange_time(s.feed, s.time_ns));
  char score[40];
  std::snprintf(score, sizeof score, "%.6g", s.score);
  out_.put(",\"score\":");
  out_.put(std::isfinite(s.score) ? std::string_view(score) : std::string_view("null"));
  field("version", std::int64_t{s.version});
  if (s.direction != 0) field("direction", s.direction > 0 ? "buy" : "sell");
  if (s.flags & patterns::kConflicting) out_.put(",\"conflicting\":true");
  if (s.flags & patterns::kLateInput) out_.put(",\"late_input\":true");
  if (s.flags & patterns::kSuspectInput) out_.put(",\"book_suspect\":true");
  if (s.flags & patterns::kVolatileInput) out_.put(",\"volatile\":true");
  if (s.kind == patterns::PatternSignalKind::kLocked || s.kind == patterns::PatternSignalKind::kCrossed) {
    field("bid_feed", s.bid_feed < names_.feeds.size() ? std::string_view(names_.feeds[s.bid_feed]) : "?");
    field("ask_feed", s.ask_feed < names_.feeds.size() ? std::string_view(names_.feeds[s.ask_feed]) : "?");
    field("bid", journal_price(s.bid));
    field("ask", journal_price(s.ask));
    field("bid_state", patterns::kTradingStateNames[s.bid_state < 6 ? s.bid_state : 0]);
    field("ask_state", patterns::kTradingStateNames[s.ask_state < 6 ? s.ask_state : 0]);
  } else {
    if (s.kind == patterns::PatternSignalKind::kExpectedMove) field("lag_ns", s.lag_ns);
    out_.put(",\"legs\":[");
    for (std::size_t i = 0; i < s.legs && i < patterns::kMaxLegs; ++i) {
      if (i != 0) out_.put(',');
      out_.put("{\"stock\":\"");
      out_.put_json_escaped(security_name(s.securities[i]));
      out_.put("\",\"mid2\":");
      const std::int64_t mid2 = journal_price(s.values[i]);
      if (mid2 < 0) out_.put('-');
      out_.put_uint(static_cast<std::uint64_t>(mid2 < 0 ? -mid2 : mid2));
      out_.put('}');
    }
    out_.put(']');
  }
  out_.put("}\n");
  out_.maybe_flush();
}

void PatternWriter::change(const patterns::PatternSignal& s) {
  head(s.feed, s.sequence);
  field("pattern", s.instance < names_.patterns.size() ? std::string_view(names_.patterns[s.instance]) : "?");
  field("template", s.instance < names_.templates.size() ? std::string_view(names_.templates[s.instance]) : "?");
  field("change", s.kind == patterns::PatternSignalKind::kPatternAdded     ? "added"
                  : s.kind == patterns::PatternSignalKind::kPatternRemoved ? "removed"
                                                                           : "set");
  field("version", std::int64_t{s.version});
  field("exchange_time", exchange_time(s.feed, s.time_ns));
  out_.put("}\n");
  out_.maybe_flush();
}

void PatternWriter::reload(const patterns::PatternSignal& s) {
  head(s.feed, s.sequence);
  field("securities", "reloaded");
  field("version", std::int64_t{s.version});
  if (s.version < names_.reloads.size()) out_.put(names_.reloads[s.version]);
  field("exchange_time", exchange_time(s.feed, s.time_ns));
  out_.put("}\n");
  out_.maybe_flush();
}

void PatternWriter::merge_notice(const patterns::PatternSignal& s) {
  head(s.feed, s.sequence);
  field("merge", s.kind == patterns::PatternSignalKind::kFeedLagging ? "lagging" : "caught_up");
  field("merge_feed", s.bid_feed < names_.feeds.size() ? std::string_view(names_.feeds[s.bid_feed]) : "?");
  field("exchange_time", exchange_time(s.feed, s.time_ns));
  out_.put("}\n");
  out_.maybe_flush();
}

}  // namespace tickwire::format
