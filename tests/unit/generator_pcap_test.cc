// The generator's pcap output read back with tickwire's own frame and MoldUDP64 parsing:
// framing, coalescing, heartbeats, end of session, capture times, A/B lines, and the packet
// faults against the sidecar that declares them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/net/udp_frame.h"
#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "tests/support/json_line.h"

namespace tickwire::generator {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Message {
  std::uint64_t seq;
  std::uint64_t timestamp;
};

struct Packet {
  std::uint64_t capture_ns = 0;
  char line = '?';
  bool dropped = false;  // parse_udp_frame refused it
  metrics::DropReason drop{};
  std::uint64_t seq = 0;
  std::uint16_t count = 0;
  std::uint32_t payload_length = 0;
  std::vector<Message> messages;  // complete, decodable blocks
  std::array<std::uint8_t, 6> mac{};
};

std::uint32_t le32(const std::uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t{p[3]} << 24; }

// Reads every record of a nanosecond Ethernet pcap.
std::vector<Packet> read_capture(const Bytes& file, const ScenarioConfig& c) {
  std::vector<Packet> out;
  EXPECT_GE(file.size(), 24u);
  EXPECT_EQ(le32(file.data()), 0xA1B23C4Du);
  EXPECT_EQ(le32(file.data() + 20), 1u);  // LINKTYPE_ETHERNET
  std::size_t off = 24;
  while (off + 16 <= file.size()) {
    const std::uint8_t* rec = file.data() + off;
    Packet p;
    p.capture_ns = std::uint64_t{le32(rec)} * 1'000'000'000ull + le32(rec + 4);
    const std::uint32_t caplen = le32(rec + 8);
    EXPECT_EQ(caplen, le32(rec + 12));
    const std::uint8_t* frame = rec + 16;
    std::memcpy(p.mac.data(), frame, 6);
    const std::uint32_t dst = std::uint32_t{frame[30]} << 24 | frame[31] << 16 | frame[32] << 8 | frame[33];
    p.line = dst == c.line_a.ip ? 'A' : (c.line_b_enabled && dst == c.line_b.ip ? 'B' : '?');
    const net::FrameResult r = net::parse_udp_frame(frame, caplen, net::LinkType::kEthernet);
    if (r.drop) {
      p.dropped = true;
      p.drop = *r.drop;
    } else {
      EXPECT_FALSE(r.datagram.ip_checksum_absent);
      p.payload_length = r.datagram.payload_length;
      const auto& h = wire::view_as<feed::MoldUdp64Header>(r.datagram.payload);
      EXPECT_EQ(h.session.trimmed(), c.session);
      p.seq = h.sequence_number.value();
      p.count = h.message_count.value();
      feed::MoldBlockCursor cursor{r.datagram.payload + sizeof(feed::MoldUdp64Header),
                                   r.datagram.payload + r.datagram.payload_length};
      const std::uint8_t* m = nullptr;
      std::size_t n = 0;
      std::uint64_t seq = p.seq;
      while (p.count != feed::MoldUdp64Header::kEndOfSession && p.messages.size() < p.count && cursor.advance(m, n)) {
        EXPECT_EQ(itch::decode_message(m, n, [](const auto&) {}), itch::DecodeStatus::kOk);
        p.messages.push_back({seq++, wire::view_as<itch::MessageHeader>(m).timestamp.value()});
      }
    }
    out.push_back(std::move(p));
    off += 16 + caplen;
  }
  EXPECT_EQ(off, file.size());
  return out;
}

Bytes make_pcap(const ScenarioConfig& c, RunResult* r) {
  Bytes out;
  const std::string error = generate_to_memory(c, OutputFormat::kPcap, out, r);
  EXPECT_EQ(error, "");
  return out;
}

ScenarioConfig pcap_config() {
  ScenarioConfig c;
  c.messages = 40'000;
  c.symbols = 30;
  c.live_orders_target = 1'000;
  c.rate = 400'000;  // fast enough that packets carry several messages
  c.heartbeat_interval_ns = 60 * kNanosPerSecond;
  return c;
}

std::vector<test::JsonObject> parse_sidecar(const std::string& text) {
  std::vector<test::JsonObject> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto o = test::parse_json_line(line);
    EXPECT_TRUE(o.has_value()) << line;
    if (o) lines.push_back(*o);
  }
  return lines;
}

std::int64_t num(const test::JsonObject& o, const std::string& key) { return std::get<std::int64_t>(o.at(key)); }
std::string str(const test::JsonObject& o, const std::string& key) { return std::get<std::string>(o.at(key)); }

TEST(GeneratorPcap, CleanDayDeliversEverySequenceOnceInOrder) {
  const ScenarioConfig c = pcap_config();
  RunResult r;
  const Bytes file = make_pcap(c, &r);
  const std::vector<Packet> packets = read_capture(file, c);
  ASSERT_FALSE(packets.empty());
  std::uint64_t next = 1, data = 0, heartbeats = 0, messages_in_data = 0, prev_capture = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const Packet& p = packets[i];
    ASSERT_FALSE(p.dropped);
    EXPECT_EQ(p.line, 'A');
    EXPECT_GE(p.capture_ns, prev_capture);
    prev_capture = p.capture_ns;
    EXPECT_LE(p.payload_length, c.max_payload);
    // 01:00:5e and the low 23 bits of 233.54.12.111.
    EXPECT_EQ(p.mac, (std::array<std::uint8_t, 6>{0x01, 0x00, 0x5E, 0x36, 0x0C, 0x6F}));
    if (p.count == feed::MoldUdp64Header::kEndOfSession) {
      EXPECT_EQ(i, packets.size() - 1) << "end of session is the last packet";
      EXPECT_EQ(p.seq, c.messages + 1);
      continue;
    }
    EXPECT_EQ(p.seq, next);
    if (p.count == 0) {
      ++heartbeats;
      continue;
    }
    ++data;
    ASSERT_EQ(p.messages.size(), p.count);
    messages_in_data += p.count;
    next += p.count;
    // Coalescing: a packet spans at most the window of exchange time.
    EXPECT_LE(p.messages.back().timestamp - p.messages.front().timestamp, c.coalesce_window_ns);
  }
  EXPECT_EQ(next, c.messages + 1);
  EXPECT_EQ(data, r.packets.data_packets);
  EXPECT_EQ(heartbeats, r.packets.heartbeats);
  EXPECT_GT(heartbeats, 100u);  // ~17 idle hours at one per minute
  EXPECT_GT(static_cast<double>(messages_in_data) / data, 2.0) << "several messages per packet at this rate";
  EXPECT_EQ(packets.back().count, feed::MoldUdp64Header::kEndOfSession);

  // Capture time = midnight Eastern of the session date in UTC + the exchange time the
  // packet left (its last message when full, the end of its window otherwise) + latency.
  for (const Packet& p : packets) {
    if (p.messages.empty()) continue;
    const std::uint64_t sent = p.capture_ns - 1'795'496'400'000'000'000ull - c.wire_latency_ns;
    EXPECT_GE(sent, p.messages.back().timestamp);
    EXPECT_LE(sent, p.messages.front().timestamp + c.coalesce_window_ns);
  }
}

TEST(GeneratorPcap, FullPacketsStayWithinTheMaximumPayload) {
  ScenarioConfig c = pcap_config();
  c.rate = 50'000'000;  // everything within the window: packets fill up
  c.max_payload = 400;
  RunResult r;
  const std::vector<Packet> packets = read_capture(make_pcap(c, &r), c);
  std::uint32_t largest = 0;
  for (const Packet& p : packets) largest = std::max(largest, p.payload_length);
  EXPECT_LE(largest, 400u);
  EXPECT_GT(largest, 400u - 52u);  // filled to within one message of the limit
  EXPECT_EQ(r.packets.largest_payload, largest);
}

TEST(GeneratorPcap, EasternMidnightFollowsDaylightSaving) {
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 11, 24}), 1'795'496'400'000'000'000ll);
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 7, 1}), 1'782'878'400'000'000'000ll);
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 3, 8}), 1'772'946'000'000'000'000ll);  // change day: still EST
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 3, 9}), 1'773'028'800'000'000'000ll);
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 11, 1}), 1'793'505'600'000'000'000ll);  // change day: still EDT
  EXPECT_EQ(eastern_midnight_utc_ns({2026, 11, 2}), 1'793'595'600'000'000'000ll);
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  ASSERT_TRUE(parse_date("2024-02-29"));
}

TEST(GeneratorPcap, SidecarDeclaresExactlyWhatIsMissingDuplicatedAndReordered) {
  ScenarioConfig c = pcap_config();
  c.line_b_enabled = true;
  c.faults.gap = 0.01;
  c.faults.duplicate = 0.01;
  c.faults.reorder = 0.01;
  c.faults.truncate = 0.01;
  c.faults.corrupt = 0.01;
  RunResult r;
  const Bytes file = make_pcap(c, &r);
  const std::vector<Packet> packets = read_capture(file, c);
  const std::vector<test::JsonObject> sidecar = parse_sidecar(r.sidecar);
  ASSERT_GE(sidecar.size(), 2u);
  EXPECT_EQ(str(sidecar.front(), "kind"), "scenario");
  EXPECT_EQ(num(sidecar.front(), "last_seq"), static_cast<std::int64_t>(c.messages));
  EXPECT_EQ(str(sidecar.back(), "kind"), "summary");

  for (char line : {'A', 'B'}) {
    SCOPED_TRACE(std::string("line ") + line);
    std::map<std::uint64_t, int> delivered;
    std::uint64_t bad_checksum_frames = 0, short_packets = 0;
    std::vector<std::uint64_t> arrival;  // first seq of each packet of the line, in capture order
    for (const Packet& p : packets) {
      if (p.line != line) continue;
      if (p.dropped) {
        EXPECT_EQ(p.drop, metrics::DropReason::kIpv4BadChecksum);
        ++bad_checksum_frames;
        continue;
      }
      EXPECT_LE(p.payload_length, c.max_payload);
      arrival.push_back(p.seq);
      if (p.count == 0 || p.count == feed::MoldUdp64Header::kEndOfSession) continue;
      if (p.messages.size() < p.count) ++short_packets;
      for (const Message& m : p.messages) ++delivered[m.seq];
    }
    std::set<std::uint64_t> declared_lost, declared_duplicate;
    std::uint64_t checksum_records = 0, short_records = 0, reorders = 0, reorders_seen_late = 0;
    std::map<std::string, int> kinds;
    for (const test::JsonObject& o : sidecar) {
      if (!o.count("line") || str(o, "line") != std::string(1, line)) continue;
      const std::string kind = str(o, "kind");
      ++kinds[kind];
      EXPECT_EQ(str(o, "session"), c.session);
      if (o.count("lost_first")) {
        for (auto s = num(o, "lost_first"); s <= num(o, "lost_last"); ++s) declared_lost.insert(s);
      }
      if (kind == "duplicate") {
        for (auto s = num(o, "first_seq"); s <= num(o, "last_seq"); ++s) declared_duplicate.insert(s);
      }
      if (kind == "corrupt_ip_checksum") ++checksum_records;
      if (kind == "truncate" || kind == "corrupt_block_length") ++short_records;
      if (kind == "reorder") {
        ++reorders;
        // It arrives after at least one packet that the exchange sent after it.
        const auto first = static_cast<std::uint64_t>(num(o, "first_seq"));
        const auto it = std::find(arrival.begin(), arrival.end(), first);
        ASSERT_NE(it, arrival.end()) << "reordered packet " << first << " never arrived";
        if (it != arrival.begin() && *(it - 1) > first) ++reorders_seen_late;
        EXPECT_GE(num(o, "delay_packets"), 1);
      }
    }
    for (const char* kind : {"gap", "duplicate", "reorder", "truncate"}) EXPECT_GT(kinds[kind], 0) << kind;
    EXPECT_GT(kinds["corrupt_ip_checksum"] + kinds["corrupt_block_length"], 0);

    // Missing = exactly the declared losses; seen twice = exactly the declared duplicates.
    std::set<std::uint64_t> missing, twice;
    for (std::uint64_t s = 1; s <= c.messages; ++s) {
      const int n = delivered.count(s) ? delivered[s] : 0;
      if (n == 0) missing.insert(s);
      if (n == 2) twice.insert(s);
      EXPECT_LE(n, 2) << "seq " << s;
    }
    EXPECT_EQ(missing, declared_lost);
    EXPECT_EQ(twice, declared_duplicate);
    EXPECT_EQ(bad_checksum_frames, checksum_records);
    EXPECT_EQ(short_packets, short_records);
    EXPECT_GE(reorders_seen_late * 10, reorders * 9);  // unless what overtook it was lost
    const std::string key = line == 'A' ? "lost_messages_a" : "lost_messages_b";
    EXPECT_EQ(num(sidecar.back(), key), static_cast<std::int64_t>(declared_lost.size()));
  }
}

TEST(GeneratorPcap, LinesCarryTheSamePacketsWithIndependentFaults) {
  ScenarioConfig c = pcap_config();
  c.line_b_enabled = true;
  c.faults.gap = 0.003;
  c.faults.gap_extra_packets = 0;
  RunResult r;
  const std::vector<Packet> packets = read_capture(make_pcap(c, &r), c);
  std::map<char, std::set<std::uint64_t>> first_seqs;
  std::uint64_t prev = 0;
  for (const Packet& p : packets) {
    EXPECT_GE(p.capture_ns, prev);
    prev = p.capture_ns;
    ASSERT_NE(p.line, '?');
    if (p.count != 0 && p.count != feed::MoldUdp64Header::kEndOfSession) first_seqs[p.line].insert(p.seq);
  }
  // Same packetization on both lines, but each lost different packets.
  EXPECT_NE(first_seqs['A'], first_seqs['B']);
  std::set<std::uint64_t> both;
  std::set_union(first_seqs['A'].begin(), first_seqs['A'].end(), first_seqs['B'].begin(), first_seqs['B'].end(),
                 std::inserter(both, both.end()));
  EXPECT_EQ(both.size(), r.packets.data_packets) << "between them the lines hold every packet";
}

TEST(GeneratorPcap, FaultsDoNotChangeTheMarketData) {
  ScenarioConfig clean = pcap_config();
  ScenarioConfig faulty = clean;
  faulty.faults.gap = 0.05;
  faulty.faults.duplicate = 0.05;
  Bytes a, b;
  ASSERT_EQ(generate_to_memory(clean, OutputFormat::kBinaryFile, a), "");
  ASSERT_EQ(generate_to_memory(faulty, OutputFormat::kBinaryFile, b), "");
  EXPECT_EQ(a, b);
  RunResult r1, r2;
  EXPECT_EQ(make_pcap(faulty, &r1), make_pcap(faulty, &r2));
  EXPECT_EQ(r1.sidecar, r2.sidecar);
}

}  // namespace
}  // namespace tickwire::generator
