#include "pcap_samples/generator/sidecar.h"

#include <cstdio>
#include <string_view>

namespace tickwire::generator {

namespace {

// Builds one JSON object; keys in insertion order, so output is byte-stable.
class JsonLine {
 public:
  JsonLine& field(std::string_view key, std::uint64_t v) { return raw(key, std::to_string(v)); }
  // Non-integers go out as strings: every value stays a JSON string or integer, so flat
  // parsers (tests/support/json_line.h) read every line.
  JsonLine& decimal(std::string_view key, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return raw(key, quote(buf));
  }
  JsonLine& field(std::string_view key, std::string_view v) { return raw(key, quote(v)); }
  JsonLine& field(std::string_view key, const char* v) { return field(key, std::string_view(v)); }
  JsonLine& raw(std::string_view key, std::string_view json) {
    text_ += text_.empty() ? "{" : ",";
    text_ += quote(key);
    text_ += ':';
    text_ += json;
    return *this;
  }
  void end(std::string& out) {
    out += text_;
    out += "}\n";
    text_.clear();
  }
  static std::string quote(std::string_view s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        q += '\\';
        q += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        q += buf;
      } else {
        q += c;
      }
    }
    q += '"';
    return q;
  }

 private:
  std::string text_;
};

std::string trimmed(const char* chars, std::size_t n) {
  while (n > 0 && chars[n - 1] == ' ') --n;
  return std::string(chars, n);
}

std::string format_date(const CalendarDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

}  // namespace

std::string format_endpoint(const Endpoint& e) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", e.ip >> 24, (e.ip >> 16) & 0xFF, (e.ip >> 8) & 0xFF, e.ip & 0xFF,
                static_cast<unsigned>(e.port));
  return buf;
}

std::string sidecar_jsonl(const ScenarioGenerator& generator, const MoldPacketizer* packetizer, const PcapWriter* pcap) {
  const ScenarioConfig& c = generator.config();
  const GenerationReport& r = generator.report();
  const InjectionLog& log = generator.injections();
  std::string out;
  JsonLine j;

  j.field("kind", "scenario")
      .field("seed", c.seed)
      .field("universe_seed", c.universe_seed != 0 ? c.universe_seed : c.seed)
      .field("messages", r.messages)
      .field("symbols", std::uint64_t{c.symbols})
      .field("session", c.session)
      .field("date", format_date(c.date))
      .field("format", pcap != nullptr ? "pcap" : "binaryfile")
      .field("lines", std::uint64_t{pcap != nullptr ? pcap->line_count() : 0});
  if (pcap != nullptr) {
    j.field("line_a", format_endpoint(c.line_a));
    if (c.line_b_enabled) j.field("line_b", format_endpoint(c.line_b));
  }
  j      .field("first_seq", std::uint64_t{1})
      .field("last_seq", r.messages)
      .field("flow_first_timestamp", r.flow_first_timestamp)
      .field("flow_last_timestamp", r.flow_last_timestamp)
      .field("flow_rate", static_cast<std::uint64_t>(r.flow_rate + 0.5))
      .decimal("lifetime_scale", r.lifetime_scale)
      .field("live_orders_target", r.live_orders_target)
      .field("live_orders_peak", r.live_orders_peak)
      .end(out);

  for (const HaltRecord& h : log.halts) {
    j.field("kind", "halt")
        .field("stock", trimmed(h.stock, sizeof h.stock))
        .field("stock_locate", std::uint64_t{h.locate})
        .field("state", std::string(1, h.state))
        .field("reason", trimmed(h.reason, sizeof h.reason))
        .field("start_timestamp", h.start_timestamp)
        .field("end_timestamp", h.end_timestamp)
        .field("start_seq", h.start_seq)
        .field("end_seq", h.end_seq)
        .end(out);
  }
  for (const BurstRecord& b : log.bursts) {
    j.field("kind", "burst")
        .field("start_timestamp", b.start_timestamp)
        .field("end_timestamp", b.end_timestamp)
        .decimal("multiplier", b.multiplier)
        .field("first_seq", b.first_seq)
        .field("last_seq", b.last_seq)
        .end(out);
  }
  for (const TimestampAnomalyRecord& a : log.anomalies) {
    j.field("kind", "timestamp_anomaly")
        .field("seq", a.seq)
        .field("direction", a.forward ? "forward" : "backward")
        .field("expected_timestamp", a.expected_timestamp)
        .field("written_timestamp", a.written_timestamp)
        .end(out);
  }
  if (pcap != nullptr) {
    for (const PacketFaultRecord& f : pcap->faults()) {
      j.field("kind", fault_name(f.kind))
          .field("line", std::string(1, f.line))
          .field("session", c.session)
          .field("first_seq", f.first_seq)
          .field("last_seq", f.last_seq);
      switch (f.kind) {
        case PacketFaultKind::kGap: j.field("packets", std::uint64_t{f.packets}); break;
        case PacketFaultKind::kReorder: j.field("delay_packets", std::uint64_t{f.delay_packets}); break;
        case PacketFaultKind::kTruncate:
          j.field("block_index", std::uint64_t{f.block_index}).field("payload_bytes", std::uint64_t{f.payload_bytes});
          break;
        case PacketFaultKind::kBadBlockLength: j.field("block_index", std::uint64_t{f.block_index}); break;
        default: break;
      }
      if (f.lost_last != 0) j.field("lost_first", f.lost_first).field("lost_last", f.lost_last);
      j.end(out);
    }
  }
  j.field("kind", "summary").field("messages", r.messages).field("last_seq", r.messages);
  if (packetizer != nullptr) {
    j.field("data_packets", packetizer->stats().data_packets).field("heartbeats", packetizer->stats().heartbeats);
  }
  if (pcap != nullptr) {
    for (std::size_t i = 0; i < pcap->line_count(); ++i) {
      j.field(i == 0 ? "lost_messages_a" : "lost_messages_b", pcap->line_stats(i).lost_messages);
    }
  }
  j.end(out);
  return out;
}

}  // namespace tickwire::generator
