// pcap and pcapng captures (plain or .gz) through libpcap, with nanosecond timestamps.
// Needs no EAL: used by `decode`, `audit` and replay on machines without DPDK ports.
#pragma once

#include <memory>
#include <string>

#include "drivers/frame.h"
#include "drivers/gzip_stream.h"

typedef struct pcap pcap_t;

namespace tickwire::drivers {

enum class ReadStatus : std::uint8_t {
  kFrame,      // `frame` is set and valid until the next call
  kEnd,        // clean end of the input
  kTruncated,  // the input stops inside a record: what came before is good
  kGzipError,  // the compressed stream is truncated or corrupt
};

class CaptureFileReader {
 public:
  // Null, with `error` naming the file and the reason, when the file is not a capture we can
  // read (missing, broken header, unsupported link type).
  static std::unique_ptr<CaptureFileReader> open(const std::string& path, std::string& error);
  ~CaptureFileReader();
  CaptureFileReader(const CaptureFileReader&) = delete;
  CaptureFileReader& operator=(const CaptureFileReader&) = delete;

  ReadStatus next(Frame& frame);
  [[nodiscard]] net::LinkType link_type() const noexcept { return link_; }
  // libpcap's or zlib's words for the last kTruncated / kGzipError.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // How far into the file as stored reading has come (see ByteStream::source_offset).
  [[nodiscard]] std::uint64_t source_offset() const noexcept { return stream_->source_offset(); }

 private:
  CaptureFileReader() = default;
  std::unique_ptr<ByteStream> stream_;
  pcap_t* pcap_ = nullptr;
  net::LinkType link_ = net::LinkType::kEthernet;
  std::string error_;
};

// Whether the first bytes of a (decompressed) file are a pcap or pcapng magic number.
[[nodiscard]] bool looks_like_capture(const unsigned char* head, std::size_t n) noexcept;

}  // namespace tickwire::drivers
