#include "drivers/gzip_stream.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tickwire::drivers {

namespace {
constexpr unsigned char kGzipMagic[2] = {0x1F, 0x8B};
}

std::unique_ptr<ByteStream> ByteStream::open(const std::string& path, std::string& error) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = path + ": " + std::strerror(errno);
    return nullptr;
  }
  unsigned char magic[2] = {0, 0};
  const std::size_t got = std::fread(magic, 1, 2, f);
  std::unique_ptr<ByteStream> s(new ByteStream());
  if (got == 2 && std::memcmp(magic, kGzipMagic, 2) == 0) {
    std::fclose(f);
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) {  // GCOVR_EXCL_START: the file opened a moment ago; only out of memory fails here
      error = path + ": cannot open gzip stream";
      return nullptr;
    }  // GCOVR_EXCL_STOP
    gzbuffer(gz, 1 << 20);
    s->gz_ = gz;
  } else {
    std::rewind(f);
    s->plain_ = f;
    s->source_ = f;
  }
  return s;
}

ByteStream::~ByteStream() {
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  if (plain_ != nullptr) std::fclose(plain_);
}

std::size_t ByteStream::read(void* out, std::size_t n) {
  if (failed_) return 0;
  if (plain_ != nullptr) {
    const std::size_t got = std::fread(out, 1, n, plain_);
    if (got < n && std::ferror(plain_)) {
      failed_ = true;
      failure_ = std::strerror(errno);
    }
    return got;
  }
  auto* gz = static_cast<gzFile>(gz_);
  const z_size_t got = gzfread(out, 1, n, gz);
  if (got < n) {
    int code = Z_OK;
    const char* message = gzerror(gz, &code);
    // Z_BUF_ERROR at the end means the compressed stream stopped before its trailer.
    if (code != Z_OK && code != Z_STREAM_END) {
      failed_ = true;
      failure_ = message != nullptr ? message : "gzip error";
    }
  }
  return got;
}

std::uint64_t ByteStream::source_offset() const noexcept {
  if (gz_ != nullptr) {
    const z_off_t at = gzoffset(static_cast<gzFile>(gz_));
    return at < 0 ? 0 : static_cast<std::uint64_t>(at);
  }
  if (source_ == nullptr) return 0;
  const long at = std::ftell(source_);
  return at < 0 ? 0 : static_cast<std::uint64_t>(at);
}

FILE* ByteStream::release_as_file() {
  if (plain_ != nullptr) return std::exchange(plain_, nullptr);
  cookie_io_functions_t io{};
  io.read = [](void* self, char* buf, std::size_t size) -> ssize_t {
    auto* s = static_cast<ByteStream*>(self);
    const std::size_t got = s->read(buf, size);
    return got == 0 && s->failed() ? -1 : static_cast<ssize_t>(got);
  };
  return fopencookie(this, "rb", io);
}

}  // namespace tickwire::drivers
