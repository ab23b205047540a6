#include "controlplane/format/journal_writer.h"

#include <cstdio>
#include <cstring>

#include <array>
#include <string>

namespace tickwire::format {

std::string_view event_kind_name(events::EventKind kind) noexcept {
  static constexpr std::array<std::string_view, 9> kNames = {
      "level_change", "top_of_book", "trade", "trade_break", "trading_state",
      "market_state", "imbalance",   "book_crossed", "instrument_added"};
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : "unknown";
}

namespace {
// By bit: the names a person reads in the journal ("flags":["last_in_message","book_suspect"]).
constexpr std::array<std::string_view, 11> kEventFlagNames = {
    "last_in_message", "book_suspect",  "timestamp_anomaly", "non_printable", "hidden_trade", "cross_trade",
    "level_removed",   "end_of_unit",   "starts_afresh",     "volatile",      "promoted"};
static_assert(events::kStartsAfresh == 1u << 8 && events::kEndOfUnit == 1u << 7 && events::kPromoted == 1u << 10);

std::string_view side_name(events::Side s) noexcept {
  return s == events::Side::kBid ? "bid" : s == events::Side::kAsk ? "ask" : "";
}
}  // namespace

void JournalWriter::field(std::string_view key, std::uint64_t value) {
  out_.put(",\"");
  out_.put(key);
  out_.put("\":");
  out_.put_uint(value);
}

void JournalWriter::field(std::string_view key, std::int64_t value) {
  out_.put(",\"");
  out_.put(key);
  out_.put("\":");
  if (value < 0) out_.put('-');
  out_.put_uint(value < 0 ? static_cast<std::uint64_t>(-(value + 1)) + 1 : static_cast<std::uint64_t>(value));
}

void JournalWriter::field(std::string_view key, std::string_view value) {
  out_.put(",\"");
  out_.put(key);
  out_.put("\":\"");
  out_.put_json_escaped(value);
  out_.put('"');
}

void JournalWriter::flags_field(std::uint16_t flags) {
  out_.put(",\"flags\":[");
  bool first = true;
  for (std::size_t bit = 0; bit < 16; ++bit) {
    if ((flags & (1u << bit)) == 0) continue;
    if (!first) out_.put(',');
    first = false;
    out_.put('"');
    if (bit < kEventFlagNames.size()) {
      out_.put(kEventFlagNames[bit]);
    } else {
      out_.put("bit");
      out_.put_uint(bit);
    }
    out_.put('"');
  }
  out_.put(']');
}

void JournalWriter::instrument_fields(std::uint32_t instrument) {
  // Bounded by the capacity, not the count: with workers this runs on the control plane
  // while the RX core adds instruments (one named in an event was added before the event).
  if (instrument == book::kNone || instrument > books_.config().max_instruments) return;
  // The name and locate as of this line: those learned from the stream, else (a snapshot
  // applied silently names instruments without events) those it was created with, which the
  // RX core never rewrites. A rename, or a new day's locate, comes as an event.
  const book::Instrument& ins = books_.instrument(instrument);
  const LearnedName& learned = names_[instrument];
  field("stock_locate", std::uint64_t{learned.known ? learned.locate : ins.first_locate});
  const std::array<char, 8>& name = learned.known ? learned.symbol : ins.first_symbol;
  std::string_view symbol(name.data(), name.size());
  while (!symbol.empty() && symbol.back() == ' ') symbol.remove_suffix(1);
  field("stock", symbol);
}

void JournalWriter::learn(const events::Event& e) {
  if (e.kind != events::EventKind::kInstrumentAdded || e.instrument >= names_.size()) return;
  LearnedName& n = names_[e.instrument];
  n.known = true;
  n.locate = static_cast<std::uint16_t>(e.stock_locate);
  std::memcpy(n.symbol.data(), e.symbol, n.symbol.size());
}

void JournalWriter::signal(const stages::Signal& s) {
  out_.put("{\"seq\":");
  out_.put_uint(s.sequence);
  field("event_index", std::uint64_t{s.event_index});
  const auto kind = static_cast<std::size_t>(s.kind);
  field("signal", kind < stages::kSignalKindCount ? stages::kSignalKindNames[kind] : std::string_view("?"));
  field("stage", s.stage < stage_names_.size() ? stage_names_[s.stage] : std::string_view("?"));
  instrument_fields(s.instrument);
  field("exchange_time", s.exchange_time_ns);
  if (s.kind == stages::SignalKind::kPriceJump) {
    field("mid2_before", std::uint64_t{s.price_before});
    field("mid2_after", std::uint64_t{s.price_after});
  } else if (s.kind == stages::SignalKind::kLargeTrade) {
    field("price", std::uint64_t{s.price_after});
    field("shares", s.size_after);
  } else {
    field("side", side_name(s.side));
    field("size_before", s.size_before);
    field("size_after", s.size_after);
  }
  field("bps", std::int64_t{s.basis_points});
  if (s.flags & stages::kVolatileSignal) out_.put(",\"volatile\":true");
  out_.put("}\n");
  out_.maybe_flush();
}

void JournalWriter::swap(std::uint64_t sequence, std::uint32_t slot, std::uint32_t version) {
  out_.put("{\"seq\":");
  out_.put_uint(sequence);
  field("swap", slot < stage_names_.size() ? stage_names_[slot] : std::string_view("?"));
  field("slot", std::uint64_t{slot});
  field("version", std::uint64_t{version});
  out_.put("}\n");
  out_.maybe_flush();
}

void JournalWriter::gap(const feed::FeedAlert& a) {
  out_.put("{\"seq\":");
  out_.put_uint(a.sequence);
  field("alert", std::string_view("gap"));
  field("session", a.session.text());
  field("first", a.sequence);
  field("last", a.last);
  field("messages", a.last - a.sequence + 1);
  field("cause", std::string_view(feed::gap_cause_name(a.cause)));
  out_.put("}\n");
  out_.maybe_flush();
}

void JournalWriter::breaker(const feed::FeedAlert& a, const breakers::BreakerSpec& spec) {
  out_.put("{\"seq\":");
  out_.put_uint(a.sequence);
  field("exchange_time", a.exchange_ns);
  field("breaker", std::string_view(spec.name));
  field("scope", breakers::kScopeNames[static_cast<std::size_t>(spec.scope)]);
  if (spec.scope == breakers::Scope::kSecurity && a.instrument != 0) {
    std::string_view stock(a.stock, sizeof a.stock);
    while (!stock.empty() && (stock.back() == ' ' || stock.back() == '\0')) stock.remove_suffix(1);
    field("stock", stock);
    field("instrument", std::uint64_t{a.instrument});
  }
  field("state", breakers::kStateNames[a.to_state]);
  field("trigger", breakers::kTriggerNames[static_cast<std::size_t>(spec.trigger)]);
  // Rates and thresholds as the breaker compared them; %.17g gives the same text for the
  // same double on every run.
  char number[40];
  std::snprintf(number, sizeof number, "%.17g", a.value);
  out_.put(",\"value\":");
  out_.put(std::string_view(number));
  std::snprintf(number, sizeof number, "%.17g", a.threshold);
  out_.put(",\"threshold\":");
  out_.put(std::string_view(number));
  field("cause", breakers::kCauseNames[a.breaker_cause]);
  if (spec.step_count != 0) {
    field("step", a.step_level == 0 ? std::string_view("none")
                                    : breakers::kStepNames[static_cast<std::size_t>(spec.steps[a.step_level - 1])]);
  }
  if (spec.trigger == breakers::Trigger::kRingFill) field("receive_time", a.receive_ns);
  if (a.shadow) out_.put(",\"shadow\":true");
  out_.put("}\n");
  out_.maybe_flush();
}

void JournalWriter::notice(const stages::StageNotice& n) {
  out_.put("{\"seq\":");
  out_.put_uint(n.sequence);
  field("stage", n.slot < stage_names_.size() ? stage_names_[n.slot] : std::string_view("?"));
  field("slot", std::uint64_t{n.slot});
  field("notice", stages::kStageNoticeNames[static_cast<std::size_t>(n.kind)]);
  out_.put("}\n");
  out_.maybe_flush();
}

void JournalWriter::event(const events::Event& e) {
  out_.put("{\"seq\":");
  out_.put_uint(e.sequence);
  field("event_index", std::uint64_t{e.event_index});
  field("event", event_kind_name(e.kind));
  instrument_fields(e.instrument);
  field("exchange_time", e.exchange_time_ns);
  if (e.side != events::Side::kNone) field("side", side_name(e.side));
  field("price", std::uint64_t{e.price});
  field("quantity", e.quantity);
  if (e.kind == events::EventKind::kTopOfBook || e.kind == events::EventKind::kImbalance ||
      e.kind == events::EventKind::kBookCrossed) {
    field("other_price", std::uint64_t{e.other_price});
    field("other_quantity", e.other_quantity);
  } else if (e.kind == events::EventKind::kLevelChange) {
    field("orders", e.order_count);
  } else if (e.kind == events::EventKind::kTrade || e.kind == events::EventKind::kTradeBreak) {
    field("match_number", e.match_number);
  }
  if (e.code != 0) field("code", std::string_view(reinterpret_cast<const char*>(&e.code), 1));
  flags_field(e.flags);
  out_.put("}\n");
  out_.maybe_flush();
}

}  // namespace tickwire::format
