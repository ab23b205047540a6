// Packs the message stream into MoldUDP64 downstream packets as a real sender does: several
// messages per datagram while they come close together, a packet sent when the next message
// would overflow it or arrives after the coalescing window; heartbeats in idle periods and
// an end-of-session packet at the end.
#pragma once

#include <cstdint>
#include <vector>

#include "pcap_samples/generator/message_sink.h"
#include "pcap_samples/generator/scenario_config.h"

namespace tickwire::generator {

struct MoldPacket {
  const std::uint8_t* payload = nullptr;  // MoldUDP64 header and message blocks
  std::size_t length = 0;
  std::uint64_t first_seq = 0;  // of the first message; the next expected one for control packets
  std::uint16_t count = 0;      // 0 heartbeat, 0xFFFF end of session
  std::uint64_t send_timestamp = 0;  // exchange time (ns since midnight) the packet leaves
  [[nodiscard]] bool is_data() const noexcept { return count != 0 && count != 0xFFFF; }
};

class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void on_packet(const MoldPacket& packet) = 0;
  virtual void on_end() {}
};

struct PacketizerStats {
  std::uint64_t data_packets = 0;
  std::uint64_t heartbeats = 0;
  std::uint64_t largest_payload = 0;
  std::uint32_t most_messages = 0;
};

class MoldPacketizer final : public MessageSink {
 public:
  MoldPacketizer(const ScenarioConfig& config, PacketSink& out);

  void on_message(const std::uint8_t* message, std::size_t length, std::uint64_t timestamp) override;
  void on_end() override;
  [[nodiscard]] const PacketizerStats& stats() const noexcept { return stats_; }

 private:
  void flush(std::uint64_t send_timestamp);
  void send_control(std::uint16_t count, std::uint64_t send_timestamp);
  void write_header(std::uint64_t sequence, std::uint16_t count);

  PacketSink& out_;
  std::vector<std::uint8_t> buffer_;
  std::size_t max_payload_;
  std::uint64_t window_;
  std::uint64_t heartbeat_interval_;
  bool end_of_session_;
  std::uint8_t session_[10];
  std::size_t used_ = 0;
  std::uint16_t count_ = 0;
  std::uint64_t first_seq_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t first_timestamp_ = 0;
  std::uint64_t last_timestamp_ = 0;
  std::uint64_t last_send_ = 0;
  bool started_ = false;
  PacketizerStats stats_;
};

}  // namespace tickwire::generator
