#include "pcap_samples/generator/pcap_writer.h"

#include <algorithm>
#include <cstring>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/net/headers.h"
#include "dataplane/net/udp_frame.h"
#include "pcap_samples/generator/market_calendar.h"

namespace tickwire::generator {

namespace {

using feed::MoldUdp64Header;
using net::EthernetHeader;
using net::Ipv4Header;
using net::UdpHeader;

constexpr std::uint32_t kPcapMagicNanos = 0xA1B23C4D;
constexpr std::uint16_t kPcapMajor = 2, kPcapMinor = 4;
constexpr std::uint32_t kSnapLength = 65'535;
constexpr std::uint32_t kLinkEthernet = 1;
constexpr std::size_t kOutputBuffer = 1u << 20;
constexpr std::size_t kMaxPendingFrames = 64;
constexpr std::size_t kMaxDelayedFrames = 64;

constexpr std::uint8_t kIpv4NoOptions = 0x45;
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::uint8_t kTtl = 64;
constexpr std::uint32_t kMulticastMask = 0xF0000000, kMulticastPrefix = 0xE0000000;
// The sender's MAC, and the one unicast destinations get: locally administered addresses.
constexpr std::uint8_t kSourceMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr std::uint8_t kUnicastMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr std::uint32_t kMaxLengthOverrun = 64;
constexpr std::uint16_t kChecksumFlip = 0x0F0F, kChecksumFlipAlt = 0x00F0;

std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += (std::uint32_t{p[i]} << 8) | p[i + 1];
  if (n & 1) sum += std::uint32_t{p[n - 1]} << 8;
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// RFC 1071 / RFC 768 with the IPv4 pseudo-header; 0 is sent as 0xFFFF.
std::uint16_t udp_checksum(std::uint32_t src, std::uint32_t dst, const std::uint8_t* udp, std::size_t length) {
  std::uint32_t sum = (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + net::kIpProtoUdp +
                      static_cast<std::uint32_t>(length);
  const std::uint16_t c = fold(sum16(udp, length, sum));
  return c == 0 ? 0xFFFF : c;
}

struct Block {
  std::size_t offset;  // of its length field in the payload
  std::size_t end;     // one past its last byte
};

// The block `index` of a payload this writer built (all blocks are whole).
Block find_block(const std::uint8_t* payload, std::uint32_t index) {
  std::size_t off = sizeof(MoldUdp64Header);
  for (std::uint32_t k = 0;; ++k) {
    const std::size_t n = (std::size_t{payload[off]} << 8) | payload[off + 1];
    const Block b{off, off + feed::kMoldBlockLengthSize + n};
    if (k == index) return b;
    off = b.end;
  }
}

}  // namespace

PcapWriter::PcapWriter(const ScenarioConfig& config, ByteOutput& output)
    : output_(output),
      config_(config),
      midnight_utc_ns_(eastern_midnight_utc_ns(config.date)),
      rates_(config.faults),
      scratch_(kMaxFrame),
      payload_copy_(kMaxFrame),
      buffer_(kOutputBuffer) {
  const Endpoint groups[2] = {config.line_a, config.line_b};
  const Stream streams[2] = {Stream::kLineA, Stream::kLineB};
  line_count_ = config.line_b_enabled ? 2 : 1;
  for (std::size_t i = 0; i < 2; ++i) {
    Line& l = lines_[i];
    l.name = static_cast<char>('A' + i);
    l.group = groups[i];
    l.rng = Rng(config.seed, streams[i]);
    l.skew_ns = i == 0 ? 0 : config.line_b_skew_ns;
    if ((l.group.ip & kMulticastMask) == kMulticastPrefix) {
      // RFC 1112: 01:00:5e and the low 23 bits of the group.
      const std::uint8_t mac[6] = {0x01, 0x00, 0x5E, static_cast<std::uint8_t>((l.group.ip >> 16) & 0x7F),
                                   static_cast<std::uint8_t>(l.group.ip >> 8), static_cast<std::uint8_t>(l.group.ip)};
      std::memcpy(l.mac, mac, sizeof mac);
    } else {
      std::memcpy(l.mac, kUnicastMac, sizeof kUnicastMac);
    }
    l.delayed.reserve(kMaxDelayedFrames);
  }
  pending_.resize(kMaxPendingFrames);
  for (std::size_t i = 0; i < kMaxPendingFrames; ++i) {
    pending_[i].bytes.resize(kMaxFrame);
    free_pending_.push_back(kMaxPendingFrames - 1 - i);
  }
  pending_order_.reserve(kMaxPendingFrames);
  delayed_frames_.resize(kMaxDelayedFrames, std::vector<std::uint8_t>(kMaxFrame));
  delayed_lengths_.resize(kMaxDelayedFrames);
  for (std::size_t i = 0; i < kMaxDelayedFrames; ++i) free_delayed_.push_back(kMaxDelayedFrames - 1 - i);

  struct {
    std::uint32_t magic = kPcapMagicNanos;
    std::uint16_t major = kPcapMajor, minor = kPcapMinor;
    std::int32_t zone = 0;
    std::uint32_t sigfigs = 0, snaplen = kSnapLength, link = kLinkEthernet;
  } header;
  static_assert(sizeof header == 24);
  put(&header, sizeof header);  // host order, little-endian: readers detect it by the magic
}

void PcapWriter::put(const void* data, std::size_t length) {
  if (used_ + length > buffer_.size()) flush_buffer();
  std::memcpy(buffer_.data() + used_, data, length);
  used_ += length;
}

void PcapWriter::flush_buffer() {
  if (used_ > 0 && ok_) ok_ = output_.write(buffer_.data(), used_);
  used_ = 0;
}

std::size_t PcapWriter::build_frame(Line& line, const std::uint8_t* payload, std::size_t length, std::uint8_t* out) {
  auto& eth = *reinterpret_cast<EthernetHeader*>(out);
  std::memcpy(eth.destination, line.mac, 6);
  std::memcpy(eth.source, kSourceMac, 6);
  eth.ether_type.set(net::kEtherTypeIpv4);
  auto& ip = *reinterpret_cast<Ipv4Header*>(out + sizeof(EthernetHeader));
  ip.version_ihl = kIpv4NoOptions;
  ip.dscp_ecn = 0;
  ip.total_length.set(static_cast<std::uint16_t>(sizeof(Ipv4Header) + sizeof(UdpHeader) + length));
  ip.identification.set(line.ip_id++);
  ip.flags_fragment_offset.set(kDontFragment);
  ip.ttl = kTtl;
  ip.protocol = net::kIpProtoUdp;
  ip.header_checksum.set(0);
  ip.source.set(config_.source.ip);
  ip.destination.set(line.group.ip);
  // A sum that folds to 0 is sent as 0xFFFF (the other ones'-complement zero, which verifies
  // the same): receivers read a 0 field as "checksum not computed".
  const std::uint16_t ip_sum = fold(sum16(out + sizeof(EthernetHeader), sizeof(Ipv4Header), 0));
  ip.header_checksum.set(ip_sum == 0 ? 0xFFFF : ip_sum);
  std::uint8_t* udp_bytes = out + sizeof(EthernetHeader) + sizeof(Ipv4Header);
  auto& udp = *reinterpret_cast<UdpHeader*>(udp_bytes);
  udp.source_port.set(config_.source.port);
  udp.destination_port.set(line.group.port);
  udp.length.set(static_cast<std::uint16_t>(sizeof(UdpHeader) + length));
  udp.checksum.set(0);
  std::memcpy(udp_bytes + sizeof(UdpHeader), payload, length);
  udp.checksum.set(udp_checksum(config_.source.ip, line.group.ip, udp_bytes, sizeof(UdpHeader) + length));
  return kFrameHeaders + length;
}

void PcapWriter::on_packet(const MoldPacket& packet) {
  std::uint64_t capture =
      static_cast<std::uint64_t>(midnight_utc_ns_) + packet.send_timestamp + config_.wire_latency_ns;
  capture = std::max(capture, last_capture_ns_);
  for (std::size_t i = 0; i < line_count_; ++i) send(lines_[i], packet, capture + lines_[i].skew_ns);
  drain(capture, false);  // later packets capture no earlier than this one
}

void PcapWriter::send(Line& line, const MoldPacket& packet, std::uint64_t capture_ns) {
  std::uint8_t* frame = scratch_.data();
  if (!packet.is_data()) {
    if (packet.count == MoldUdp64Header::kEndOfSession) release_delayed(line, capture_ns, true);
    queue_frame(line, capture_ns, frame, build_frame(line, packet.payload, packet.length, frame));
    release_delayed(line, capture_ns, false);
    return;
  }
  PacketFaultRecord r;
  r.line = line.name;
  r.first_seq = packet.first_seq;
  r.last_seq = packet.first_seq + packet.count - 1;

  if (line.gap_left > 0) {  // inside a gap: lost too
    --line.gap_left;
    PacketFaultRecord& g = faults_[line.gap_record];
    g.last_seq = g.lost_last = r.last_seq;
    ++g.packets;
    line.stats.lost_messages += packet.count;
    release_delayed(line, capture_ns, false);
    return;
  }

  const double u = line.rng.unit();
  double edge = rates_.gap;
  bool delayed_now = false;
  if (u < edge) {
    r.kind = PacketFaultKind::kGap;
    r.lost_first = r.first_seq;
    r.lost_last = r.last_seq;
    line.gap_left = static_cast<std::uint32_t>(line.rng.between(0, rates_.gap_extra_packets));
    line.gap_record = faults_.size();
    line.stats.lost_messages += packet.count;
    faults_.push_back(r);
  } else if (u < (edge += rates_.duplicate)) {
    r.kind = PacketFaultKind::kDuplicate;
    const std::size_t n = build_frame(line, packet.payload, packet.length, frame);
    queue_frame(line, capture_ns, frame, n);
    queue_frame(line, capture_ns, frame, n);
    faults_.push_back(r);
  } else if (u < (edge += rates_.reorder) && !free_delayed_.empty()) {
    r.kind = PacketFaultKind::kReorder;
    const std::size_t slot = free_delayed_.back();
    free_delayed_.pop_back();
    delayed_lengths_[slot] =
        static_cast<std::uint32_t>(build_frame(line, packet.payload, packet.length, delayed_frames_[slot].data()));
    Delayed d;
    d.remaining = static_cast<std::uint32_t>(line.rng.between(1, rates_.reorder_max_delay));
    d.record = faults_.size();
    d.slot = slot;
    faults_.push_back(r);
    release_delayed(line, capture_ns, false);  // the ones already waiting move on first
    line.delayed.push_back(d);
    delayed_now = true;
  } else if (u < (edge += rates_.truncate) || u < edge + rates_.corrupt) {
    const bool truncate = u < edge;
    std::uint8_t* payload = payload_copy_.data();
    std::memcpy(payload, packet.payload, packet.length);
    std::size_t length = packet.length;
    const auto j = static_cast<std::uint32_t>(line.rng.below(packet.count));
    const Block b = find_block(payload, j);
    r.block_index = j;
    r.lost_first = r.first_seq + j;
    r.lost_last = r.last_seq;
    if (truncate) {
      r.kind = PacketFaultKind::kTruncate;
      length = line.rng.between(b.offset + 1, b.end - 1);  // strictly inside block j
      r.payload_bytes = static_cast<std::uint32_t>(length);
      queue_frame(line, capture_ns, frame, build_frame(line, payload, length, frame));
    } else if ((line.rng.next() & 1) != 0) {
      r.kind = PacketFaultKind::kBadBlockLength;
      const std::size_t overrun = length - b.offset - feed::kMoldBlockLengthSize + 1 + line.rng.below(kMaxLengthOverrun);
      payload[b.offset] = static_cast<std::uint8_t>(overrun >> 8);
      payload[b.offset + 1] = static_cast<std::uint8_t>(overrun);
      queue_frame(line, capture_ns, frame, build_frame(line, payload, length, frame));
    } else {
      r.kind = PacketFaultKind::kBadIpChecksum;
      r.block_index = 0;
      r.lost_first = r.first_seq;
      const std::size_t n = build_frame(line, packet.payload, packet.length, frame);
      auto& ip = *reinterpret_cast<Ipv4Header*>(frame + sizeof(EthernetHeader));
      const std::uint16_t good = ip.header_checksum.value();
      const std::uint16_t bad = (good ^ kChecksumFlip) != 0 ? good ^ kChecksumFlip : good ^ kChecksumFlipAlt;
      ip.header_checksum.set(bad);  // never 0, which receivers take as "not computed"
      queue_frame(line, capture_ns, frame, n);
    }
    line.stats.lost_messages += r.lost_last - r.lost_first + 1;
    faults_.push_back(r);
  } else {
    queue_frame(line, capture_ns, frame, build_frame(line, packet.payload, packet.length, frame));
  }
  if (!delayed_now) release_delayed(line, capture_ns, false);
}

void PcapWriter::release_delayed(Line& line, std::uint64_t capture_ns, bool all) {
  for (std::size_t i = 0; i < line.delayed.size();) {
    Delayed& d = line.delayed[i];
    if (!all) {
      ++d.passed;
      --d.remaining;
    }
    if (all || d.remaining == 0) {
      queue_frame(line, capture_ns, delayed_frames_[d.slot].data(), delayed_lengths_[d.slot]);
      faults_[d.record].delay_packets = d.passed;
      free_delayed_.push_back(d.slot);
      line.delayed.erase(line.delayed.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

void PcapWriter::queue_frame(const Line& line, std::uint64_t capture_ns, const std::uint8_t* bytes, std::size_t length) {
  if (free_pending_.empty()) {
    // Never expected (line skews are small): write the earliest out of turn.
    write_record(pending_[pending_order_.front()]);
    free_pending_.push_back(pending_order_.front());
    pending_order_.erase(pending_order_.begin());
  }
  const std::size_t slot = free_pending_.back();
  free_pending_.pop_back();
  Frame& f = pending_[slot];
  f.capture_ns = capture_ns;
  f.length = static_cast<std::uint32_t>(length);
  f.order = frame_order_++;
  f.line = static_cast<std::uint8_t>(line.name - 'A');
  std::memcpy(f.bytes.data(), bytes, length);
  auto later = [&](std::size_t other) {
    const Frame& o = pending_[other];
    return o.capture_ns > f.capture_ns || (o.capture_ns == f.capture_ns && o.order > f.order);
  };
  auto it = std::find_if(pending_order_.begin(), pending_order_.end(), later);
  pending_order_.insert(it, slot);
}

void PcapWriter::drain(std::uint64_t up_to, bool all) {
  std::size_t n = 0;
  while (n < pending_order_.size() && (all || pending_[pending_order_[n]].capture_ns <= up_to)) {
    write_record(pending_[pending_order_[n]]);
    free_pending_.push_back(pending_order_[n]);
    ++n;
  }
  pending_order_.erase(pending_order_.begin(), pending_order_.begin() + static_cast<std::ptrdiff_t>(n));
}

void PcapWriter::write_record(const Frame& f) {
  const std::uint64_t ts = std::max(f.capture_ns, last_capture_ns_);
  last_capture_ns_ = ts;
  const std::uint32_t record[4] = {static_cast<std::uint32_t>(ts / kNanosPerSecond),
                                   static_cast<std::uint32_t>(ts % kNanosPerSecond), f.length, f.length};
  put(record, sizeof record);
  put(f.bytes.data(), f.length);
  ++lines_[f.line].stats.frames;
}

void PcapWriter::on_end() {
  for (std::size_t i = 0; i < line_count_; ++i) release_delayed(lines_[i], last_capture_ns_, true);
  drain(0, true);
  flush_buffer();
  if (ok_) ok_ = output_.close();
}

}  // namespace tickwire::generator
