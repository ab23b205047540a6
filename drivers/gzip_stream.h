// Sequential reading of a plain or gzip-compressed file through one interface, with the
// difference between a clean end and a truncated or corrupt gzip stream kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace tickwire::drivers {

class ByteStream {
 public:
  // Opens `path`; gzip is recognised by its magic bytes, not the file name. On failure
  // returns null and sets `error` to a reason that names the file.
  static std::unique_ptr<ByteStream> open(const std::string& path, std::string& error);
  ~ByteStream();
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  // Up to `n` bytes; 0 at the end of the data or on an error (see failed()).
  std::size_t read(void* out, std::size_t n);
  [[nodiscard]] bool compressed() const noexcept { return gz_ != nullptr; }
  // The stream ended early or is corrupt (a truncated .gz, an I/O error).
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  [[nodiscard]] const std::string& failure() const noexcept { return failure_; }
  // A stdio FILE* over the decompressed bytes, for libpcap, which closes what it reads.
  // The caller owns it and must close it before this stream is destroyed; read() is not
  // to be used after.
  FILE* release_as_file();
  // How far into the file as stored (compressed bytes for gzip) reading has come: a progress
  // figure, not a resumable position (buffered reads run ahead of what was handed out).
  [[nodiscard]] std::uint64_t source_offset() const noexcept;

 private:
  ByteStream() = default;
  void* gz_ = nullptr;  // gzFile
  FILE* plain_ = nullptr;
  FILE* source_ = nullptr;  // the plain file, also once released (its new owner closes it)
  bool failed_ = false;
  std::string failure_;
};

}  // namespace tickwire::drivers
