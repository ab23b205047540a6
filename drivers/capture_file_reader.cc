#include "drivers/capture_file_reader.h"

#include <pcap/pcap.h>

#include <cstring>

namespace tickwire::drivers {

namespace {

bool link_from_dlt(int dlt, net::LinkType& link) {
  switch (dlt) {
    case DLT_EN10MB: link = net::LinkType::kEthernet; return true;
    case DLT_LINUX_SLL: link = net::LinkType::kLinuxSll; return true;
    case DLT_RAW:
    case DLT_IPV4: link = net::LinkType::kRawIpv4; return true;
    default: return false;
  }
}

}  // namespace

bool looks_like_capture(const unsigned char* head, std::size_t n) noexcept {
  if (n < 4) return false;
  std::uint32_t magic;
  std::memcpy(&magic, head, 4);
  switch (magic) {
    case 0xA1B2C3D4: case 0xD4C3B2A1:  // pcap, microseconds, either byte order
    case 0xA1B23C4D: case 0x4D3CB2A1:  // pcap, nanoseconds
    case 0x0A0D0D0A:                   // pcapng section header block
      return true;
    default:
      return false;
  }
}

std::unique_ptr<CaptureFileReader> CaptureFileReader::open(const std::string& path, std::string& error) {
  std::unique_ptr<ByteStream> stream = ByteStream::open(path, error);
  if (!stream) return nullptr;
  std::unique_ptr<CaptureFileReader> r(new CaptureFileReader());
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  // libpcap owns the FILE* once it accepts it, and closes it in pcap_close(), which the
  // destructor runs before the stream behind it goes.
  FILE* f = stream->release_as_file();
  if (f == nullptr) {  // GCOVR_EXCL_START: fopencookie() fails only when out of memory
    error = path + ": cannot read decompressed stream";
    return nullptr;
  }  // GCOVR_EXCL_STOP
  r->pcap_ = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (r->pcap_ == nullptr) {
    std::fclose(f);
    error = path + ": not a readable pcap/pcapng capture (" + errbuf + ")";
    return nullptr;
  }
  r->stream_ = std::move(stream);
  const int dlt = pcap_datalink(r->pcap_);
  if (!link_from_dlt(dlt, r->link_)) {
    const char* name = pcap_datalink_val_to_name(dlt);
    error = path + ": unsupported link type " + (name != nullptr ? name : std::to_string(dlt)) +
            " (Ethernet, Linux cooked or raw IPv4 captures are supported)";
    return nullptr;
  }
  return r;
}

CaptureFileReader::~CaptureFileReader() {
  if (pcap_ != nullptr) pcap_close(pcap_);
}

ReadStatus CaptureFileReader::next(Frame& frame) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(pcap_, &header, &data);
  if (rc == 1) {
    frame.data = data;
    frame.captured_length = header->caplen;
    // With PCAP_TSTAMP_PRECISION_NANO libpcap scales every file's tv_usec field to ns.
    frame.receive_time_ns = static_cast<std::uint64_t>(header->ts.tv_sec) * 1'000'000'000ull +
                            static_cast<std::uint64_t>(header->ts.tv_usec);
    frame.link = link_;
    return ReadStatus::kFrame;
  }
  if (stream_->failed()) {
    error_ = stream_->failure();
    return ReadStatus::kGzipError;
  }
  if (rc == PCAP_ERROR_BREAK) return ReadStatus::kEnd;
  error_ = pcap_geterr(pcap_);
  return ReadStatus::kTruncated;
}

}  // namespace tickwire::drivers
