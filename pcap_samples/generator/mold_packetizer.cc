#include "pcap_samples/generator/mold_packetizer.h"

#include <algorithm>
#include <cstring>

#include "dataplane/core/cache.h"
#include "dataplane/feed/moldudp64.h"

namespace tickwire::generator {

using feed::MoldUdp64Header;

MoldPacketizer::MoldPacketizer(const ScenarioConfig& config, PacketSink& out)
    : out_(out),
      buffer_(config.max_payload),
      max_payload_(config.max_payload),
      window_(config.coalesce_window_ns),
      heartbeat_interval_(config.heartbeat_interval_ns),
      end_of_session_(config.end_of_session) {
  std::memset(session_, ' ', sizeof session_);
  std::memcpy(session_, config.session.data(), std::min(config.session.size(), sizeof session_));
  used_ = sizeof(MoldUdp64Header);
}

void MoldPacketizer::write_header(std::uint64_t sequence, std::uint16_t count) {
  auto& h = *reinterpret_cast<MoldUdp64Header*>(buffer_.data());
  std::memcpy(h.session.chars, session_, sizeof session_);
  h.sequence_number.set(sequence);
  h.message_count.set(count);
}

void MoldPacketizer::on_message(const std::uint8_t* message, std::size_t length, std::uint64_t timestamp) {
  if (count_ > 0) {
    if (used_ + feed::kMoldBlockLengthSize + length > max_payload_) {
      flush(last_timestamp_);  // full: it leaves with its last message
    } else if (timestamp > first_timestamp_ + window_) {
      flush(first_timestamp_ + window_);  // the window closed before this message came
    }
  }
  if (TW_UNLIKELY(!started_)) {
    started_ = true;
    last_send_ = timestamp;
  }
  if (count_ == 0) {
    if (heartbeat_interval_ > 0) {
      while (timestamp >= last_send_ + heartbeat_interval_) send_control(MoldUdp64Header::kHeartbeat, last_send_ + heartbeat_interval_);
    }
    first_seq_ = next_seq_;
    first_timestamp_ = timestamp;
  }
  std::uint8_t* p = buffer_.data() + used_;
  p[0] = static_cast<std::uint8_t>(length >> 8);
  p[1] = static_cast<std::uint8_t>(length);
  std::memcpy(p + feed::kMoldBlockLengthSize, message, length);
  used_ += feed::kMoldBlockLengthSize + length;
  ++count_;
  ++next_seq_;
  last_timestamp_ = timestamp;
}

void MoldPacketizer::flush(std::uint64_t send_timestamp) {
  write_header(first_seq_, count_);
  last_send_ = std::max(last_send_, send_timestamp);
  MoldPacket packet;
  packet.payload = buffer_.data();
  packet.length = used_;
  packet.first_seq = first_seq_;
  packet.count = count_;
  packet.send_timestamp = last_send_;
  ++stats_.data_packets;
  stats_.largest_payload = std::max<std::uint64_t>(stats_.largest_payload, used_);
  stats_.most_messages = std::max<std::uint32_t>(stats_.most_messages, count_);
  out_.on_packet(packet);
  used_ = sizeof(MoldUdp64Header);
  count_ = 0;
}

void MoldPacketizer::send_control(std::uint16_t count, std::uint64_t send_timestamp) {
  write_header(next_seq_, count);
  last_send_ = std::max(last_send_, send_timestamp);
  MoldPacket packet;
  packet.payload = buffer_.data();
  packet.length = sizeof(MoldUdp64Header);
  packet.first_seq = next_seq_;
  packet.count = count;
  packet.send_timestamp = last_send_;
  if (count == MoldUdp64Header::kHeartbeat) ++stats_.heartbeats;
  out_.on_packet(packet);
}

void MoldPacketizer::on_end() {
  if (count_ > 0) flush(first_timestamp_ + window_);
  if (end_of_session_) send_control(MoldUdp64Header::kEndOfSession, last_send_);
  out_.on_end();
}

}  // namespace tickwire::generator
