// NASDAQ BinaryFILE (each ITCH message preceded by a 2-byte big-endian length), plain or
// gzip, as NASDAQ publishes its historical TotalView-ITCH days. Needs no EAL.
//
// Reads in large chunks and hands out messages in place in the chunk buffer; only a message
// that straddles two chunks is moved (to the front of the buffer), never one per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/book/prefetch_window.h"
#include "drivers/capture_file_reader.h"
#include "drivers/gzip_stream.h"

namespace tickwire::drivers {

class BinaryFileReader {
 public:
  static constexpr std::size_t kDefaultChunk = 4u << 20;

  static std::unique_ptr<BinaryFileReader> open(const std::string& path, std::string& error,
                                                std::size_t chunk_bytes = kDefaultChunk);

  // kFrame: `message`/`length` point at one message body (without the length prefix),
  // valid until the next call. kTruncated: the file ends inside a message.
  ReadStatus next(const std::uint8_t*& message, std::size_t& length);
  // Up to `max` messages at once (`count` of them, at least one when kFrame), all valid until
  // the next call: what the chunk holds after the first, so that a consumer can look ahead
  // (prefetch) without a copy.
  ReadStatus next_run(book::MessageRef* out, std::size_t max, std::size_t& count);
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] std::uint64_t bytes_read() const noexcept { return bytes_read_; }
  // How far into the file as stored reading has come (see ByteStream::source_offset).
  [[nodiscard]] std::uint64_t source_offset() const noexcept { return stream_->source_offset(); }

 private:
  BinaryFileReader() = default;
  bool refill();  // moves the unread tail to the front and reads more; false at the end

  std::unique_ptr<ByteStream> stream_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last valid byte
  std::uint64_t bytes_read_ = 0;
  bool eof_ = false;
  std::string error_;
};

// Whether the first bytes look like BinaryFILE: a length prefix that matches the ITCH 5.0
// length of the type byte after it.
[[nodiscard]] bool looks_like_binary_file(const unsigned char* head, std::size_t n) noexcept;

}  // namespace tickwire::drivers
