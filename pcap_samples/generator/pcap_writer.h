// Writes MoldUDP64 packets as a nanosecond pcap (magic 0xa1b23c4d, Ethernet/IPv4/UDP), on
// one or two lines (A/B: the same packets to two multicast groups), injecting the packet
// faults the config asks for, independently per line, and recording each one.
#pragma once

#include <cstdint>
#include <vector>

#include "pcap_samples/generator/byte_output.h"
#include "pcap_samples/generator/mold_packetizer.h"
#include "pcap_samples/generator/packet_faults.h"
#include "pcap_samples/generator/rng.h"
#include "pcap_samples/generator/scenario_config.h"

namespace tickwire::generator {

struct LineStats {
  std::uint64_t frames = 0;          // written to the capture
  std::uint64_t lost_messages = 0;   // by gaps, truncation and corruption
};

class PcapWriter final : public PacketSink {
 public:
  static constexpr std::size_t kFrameHeaders = 14 + 20 + 8;  // Ethernet, IPv4, UDP
  static constexpr std::size_t kMaxFrame = kFrameHeaders + 8'972;

  PcapWriter(const ScenarioConfig& config, ByteOutput& output);

  void on_packet(const MoldPacket& packet) override;
  void on_end() override;

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  [[nodiscard]] const std::vector<PacketFaultRecord>& faults() const noexcept { return faults_; }
  [[nodiscard]] const LineStats& line_stats(std::size_t line) const noexcept { return lines_[line].stats; }
  [[nodiscard]] std::size_t line_count() const noexcept { return line_count_; }

 private:
  struct Frame {
    std::uint64_t capture_ns = 0;
    std::uint32_t length = 0;
    std::uint64_t order = 0;  // insertion order, to keep equal times stable
    std::uint8_t line = 0;
    std::vector<std::uint8_t> bytes;
  };
  struct Delayed {
    std::uint32_t remaining = 0;  // packets of the line still to go before it
    std::uint32_t passed = 0;
    std::size_t record = 0;
    std::size_t slot = 0;  // in delayed_frames_
  };
  struct Line {
    char name = 'A';
    Endpoint group;
    std::uint8_t mac[6] = {};
    Rng rng;
    std::uint16_t ip_id = 0;
    std::uint64_t skew_ns = 0;
    std::uint32_t gap_left = 0;  // packets still to drop in the current gap
    std::size_t gap_record = 0;
    std::vector<Delayed> delayed;
    LineStats stats;
  };

  void send(Line& line, const MoldPacket& packet, std::uint64_t capture_ns);
  void release_delayed(Line& line, std::uint64_t capture_ns, bool all);
  std::size_t build_frame(Line& line, const std::uint8_t* payload, std::size_t length, std::uint8_t* out);
  void queue_frame(const Line& line, std::uint64_t capture_ns, const std::uint8_t* bytes, std::size_t length);
  void drain(std::uint64_t up_to, bool all);
  void write_record(const Frame& f);
  void put(const void* data, std::size_t length);
  void flush_buffer();

  ByteOutput& output_;
  const ScenarioConfig& config_;
  std::int64_t midnight_utc_ns_;
  FaultRates rates_;
  Line lines_[2];
  std::size_t line_count_ = 1;
  std::uint64_t last_capture_ns_ = 0;  // captures are kept in time order
  std::uint64_t frame_order_ = 0;

  // Frames waiting to be written in time order (line B lags line A by its skew).
  std::vector<Frame> pending_;
  std::vector<std::size_t> free_pending_;
  std::vector<std::size_t> pending_order_;  // indices into pending_, sorted by (time, order)
  // Copies of packets held back by reordering.
  std::vector<std::vector<std::uint8_t>> delayed_frames_;
  std::vector<std::uint32_t> delayed_lengths_;
  std::vector<std::size_t> free_delayed_;

  std::vector<std::uint8_t> scratch_;
  std::vector<std::uint8_t> payload_copy_;
  std::vector<std::uint8_t> buffer_;
  std::size_t used_ = 0;
  bool ok_ = true;
  std::vector<PacketFaultRecord> faults_;
};

}  // namespace tickwire::generator
