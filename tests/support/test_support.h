// Helpers shared by the tests: where the data lives, exactly-sized buffers (so ASan sees
// any read past the end), and builders of frames and MoldUDP64 packets.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::test {

using Bytes = std::vector<std::uint8_t>;

// ../shared (real captures, the ITCH field table); from TICKWIRE_SHARED_DIR.
std::string shared_dir();
std::string source_dir();
std::string build_dir();
// A fresh empty directory for one test's files.
std::string temp_dir();
// How much of a large randomized workload a test runs: all of it in the release build, a
// share of it (TICKWIRE_TEST_SCALE, set by the sanitizer and coverage builds) where every
// instruction costs tens of times more. The same paths run either way; only the count of
// random steps shrinks. Never below `floor`.
std::size_t scaled(std::size_t n, std::size_t floor = 1);
// The worker counts a test compares journals over: inline, one and two workers; where
// scaled() shrinks the work, inline and two (the layout that merges across workers).
std::vector<std::string> worker_layouts();

// A heap copy of exactly bytes.size() bytes: a read one past the end is an ASan error.
class ExactBuffer {
 public:
  explicit ExactBuffer(const Bytes& bytes);
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::uint32_t size_;
};

void put_be(Bytes& out, std::uint64_t value, unsigned bytes);
void put_be_at(Bytes& out, std::size_t offset, std::uint64_t value, unsigned bytes);

// A MoldUDP64 packet: header then one block per message.
Bytes mold_packet(std::string_view session, std::uint64_t sequence, const std::vector<Bytes>& messages);
Bytes mold_packet_with_count(std::string_view session, std::uint64_t sequence, std::uint16_t count,
                             const std::vector<Bytes>& messages);

struct FrameSpec {
  std::vector<std::uint16_t> vlan_tpids;  // one entry per tag, outermost first
  std::uint32_t source_ip = 0xC0A80001;   // 192.168.0.1
  std::uint32_t destination_ip = 0xE9360C6F;  // 233.54.12.111
  std::uint16_t source_port = 49653;
  std::uint16_t destination_port = 26477;
  std::uint8_t protocol = 17;
  unsigned ip_options_words = 0;  // extra 32-bit words of IP options
  std::uint16_t flags_fragment = 0x4000;  // DF
  bool zero_checksum = false;
};

// Ethernet/VLAN/IPv4/UDP around a payload, with a valid IPv4 header checksum.
Bytes udp_frame(const Bytes& payload, const FrameSpec& spec = {});
// Offset of the IPv4 header in a frame built by udp_frame().
std::size_t ip_offset(const FrameSpec& spec);

// A minimal ITCH message of type `code` with its spec length: header fields set, body zero.
Bytes itch_message(char code, std::uint16_t stock_locate = 1, std::uint64_t timestamp = 0);

// The messages of a generated day (the scenario generator's BinaryFILE, split), in order.
// Throws if the generator refuses the settings.
std::vector<Bytes> generated_day_messages(std::uint64_t messages, std::uint32_t symbols, std::uint64_t seed,
                                          std::uint32_t halts);

Bytes read_file(const std::string& path);
void write_file(const std::string& path, const Bytes& bytes);
void write_file(const std::string& path, std::string_view text);
Bytes gzip(const Bytes& plain);

// Calls fn(frame, captured_length, capture_time_ns) for each record of an in-memory
// nanosecond pcap (as the generator writes them).
template <class Fn>
void for_each_pcap_record(const std::vector<std::uint8_t>& pcap, Fn&& fn) {
  for (std::size_t at = 24; at + 16 <= pcap.size();) {
    std::uint32_t sec, nsec, caplen;
    std::memcpy(&sec, &pcap[at], 4);
    std::memcpy(&nsec, &pcap[at + 4], 4);
    std::memcpy(&caplen, &pcap[at + 8], 4);
    if (at + 16 + caplen > pcap.size()) return;
    fn(&pcap[at + 16], caplen, std::uint64_t{sec} * 1'000'000'000 + nsec);
    at += 16 + caplen;
  }
}

// A pcap file (nanosecond, Ethernet) holding the given frames.
Bytes pcap_file(const std::vector<Bytes>& frames, std::uint64_t first_ns = 1'700'000'000'000'000'000ull);

}  // namespace tickwire::test
