#include "tests/support/test_support.h"

#include "pcap_samples/generator/scenario_runner.h"

#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "dataplane/itch/decoder.h"
#include "dataplane/net/udp_frame.h"

namespace tickwire::test {

namespace {
std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}
}  // namespace

std::string shared_dir() { return env_or("TICKWIRE_SHARED_DIR", "../shared"); }
std::string source_dir() { return env_or("TICKWIRE_SOURCE_DIR", "."); }
std::string build_dir() { return env_or("TICKWIRE_BUILD_DIR", "build"); }

namespace {
// Every directory temp_dir() made, removed when the test process ends, so that running the
// suite again and again (and its generated captures, some hundreds of MB) does not fill the
// disk. TICKWIRE_KEEP_TEST_DIRS=1 keeps them, to look at after a failure.
struct TempDirs {
  std::mutex mutex;
  std::vector<std::filesystem::path> made;
  ~TempDirs() {
    if (std::getenv("TICKWIRE_KEEP_TEST_DIRS") != nullptr) return;
    std::error_code ignored;
    for (const auto& dir : made) std::filesystem::remove_all(dir, ignored);
  }
};
TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}
}  // namespace

std::string temp_dir() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tickwire-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  TempDirs& dirs = temp_dirs();
  const std::lock_guard<std::mutex> lock(dirs.mutex);
  dirs.made.push_back(dir);
  return dir.string();
}

ExactBuffer::ExactBuffer(const Bytes& bytes)
    : data_(new std::uint8_t[bytes.empty() ? 1 : bytes.size()]), size_(static_cast<std::uint32_t>(bytes.size())) {
  if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
}

void put_be(Bytes& out, std::uint64_t value, unsigned bytes) {
  for (unsigned i = bytes; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void put_be_at(Bytes& out, std::size_t offset, std::uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) out[offset + bytes - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
}

Bytes mold_packet_with_count(std::string_view session, std::uint64_t sequence, std::uint16_t count,
                             const std::vector<Bytes>& messages) {
  Bytes p;
  for (std::size_t i = 0; i < 10; ++i) p.push_back(i < session.size() ? static_cast<std::uint8_t>(session[i]) : ' ');
  put_be(p, sequence, 8);
  put_be(p, count, 2);
  for (const Bytes& m : messages) {
    put_be(p, m.size(), 2);
    p.insert(p.end(), m.begin(), m.end());
  }
  return p;
}

Bytes mold_packet(std::string_view session, std::uint64_t sequence, const std::vector<Bytes>& messages) {
  return mold_packet_with_count(session, sequence, static_cast<std::uint16_t>(messages.size()), messages);
}

std::size_t ip_offset(const FrameSpec& spec) { return 14 + 4 * spec.vlan_tpids.size(); }

Bytes udp_frame(const Bytes& payload, const FrameSpec& spec) {
  Bytes f = {0x01, 0x00, 0x5E, 0x36, 0x0C, 0x6F, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  for (std::uint16_t tpid : spec.vlan_tpids) {
    put_be(f, tpid, 2);
    put_be(f, 100, 2);  // TCI: VLAN 100
  }
  put_be(f, 0x0800, 2);
  const std::size_t ip = f.size();
  const unsigned ihl = 5 + spec.ip_options_words;
  f.push_back(static_cast<std::uint8_t>(0x40 | ihl));
  f.push_back(0);
  put_be(f, ihl * 4 + 8 + payload.size(), 2);
  put_be(f, 0x1234, 2);
  put_be(f, spec.flags_fragment, 2);
  f.push_back(64);
  f.push_back(spec.protocol);
  put_be(f, 0, 2);
  put_be(f, spec.source_ip, 4);
  put_be(f, spec.destination_ip, 4);
  for (unsigned i = 0; i < spec.ip_options_words; ++i) put_be(f, 0x01010101, 4);  // NOPs
  if (!spec.zero_checksum) {
    const std::uint16_t sum = net::ipv4_header_sum(f.data() + ip, ihl * 4);
    put_be_at(f, ip + 10, static_cast<std::uint16_t>(~sum), 2);
  }
  put_be(f, spec.source_port, 2);
  put_be(f, spec.destination_port, 2);
  put_be(f, 8 + payload.size(), 2);
  put_be(f, 0, 2);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

Bytes itch_message(char code, std::uint16_t stock_locate, std::uint64_t timestamp) {
  const std::size_t length = itch::spec_length(static_cast<std::uint8_t>(code));
  if (length == 0) throw std::invalid_argument("not an ITCH type");
  Bytes m(length, 0);
  m[0] = static_cast<std::uint8_t>(code);
  put_be_at(m, 1, stock_locate, 2);
  put_be_at(m, 5, timestamp, 6);
  return m;
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  // Sized and read in one call: a byte-wise iterator takes minutes on a large journal in the
  // sanitizer build.
  in.seekg(0, std::ios::end);
  Bytes bytes(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

Bytes gzip(const Bytes& plain) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  Bytes out(deflateBound(&z, plain.size()) + 64);
  z.next_in = const_cast<Bytes::value_type*>(plain.data());
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Bytes pcap_file(const std::vector<Bytes>& frames, std::uint64_t first_ns) {
  Bytes f;
  auto le = [&f](std::uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) f.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  le(0xA1B23C4D, 4);
  le(2, 2);
  le(4, 2);
  le(0, 4);
  le(0, 4);
  le(262144, 4);
  le(1, 4);  // LINKTYPE_ETHERNET
  std::uint64_t t = first_ns;
  for (const Bytes& frame : frames) {
    le(t / 1'000'000'000, 4);
    le(t % 1'000'000'000, 4);
    le(frame.size(), 4);
    le(frame.size(), 4);
    f.insert(f.end(), frame.begin(), frame.end());
    t += 1000;
  }
  return f;
}

std::vector<Bytes> generated_day_messages(std::uint64_t messages, std::uint32_t symbols, std::uint64_t seed,
                                          std::uint32_t halts) {
  generator::ScenarioConfig config;
  config.seed = seed;
  config.messages = messages;
  config.symbols = symbols;
  config.halts = halts;
  std::vector<std::uint8_t> file;
  if (const std::string error = generator::generate_binary_file(config, file); !error.empty()) {
    throw std::runtime_error("generator: " + error);
  }
  std::vector<Bytes> out;
  for (std::size_t i = 0; i + 2 <= file.size();) {
    const std::size_t n = (std::size_t{file[i]} << 8) | file[i + 1];
    out.emplace_back(file.begin() + static_cast<long>(i + 2), file.begin() + static_cast<long>(i + 2 + n));
    i += 2 + n;
  }
  return out;
}

std::size_t scaled(std::size_t n, std::size_t floor) {
  const char* text = std::getenv("TICKWIRE_TEST_SCALE");
  const double scale = text != nullptr ? std::strtod(text, nullptr) : 1.0;
  const auto kept = static_cast<std::size_t>(static_cast<double>(n) * (scale > 0 && scale <= 1 ? scale : 1.0));
  return kept < floor ? floor : kept;
}

std::vector<std::string> worker_layouts() {
  if (scaled(4) < 4) return {"0", "2"};
  return {"0", "1", "2"};
}

}  // namespace tickwire::test
