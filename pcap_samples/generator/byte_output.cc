#include "pcap_samples/generator/byte_output.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tickwire::generator {

namespace {

constexpr unsigned kGzipBuffer = 1u << 20;
// Level 6 (zlib's default) compresses a day close to level 9 at a fraction of the time.
constexpr const char* kGzipMode = "wb6";

class PlainFileOutput final : public ByteOutput {
 public:
  PlainFileOutput(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  ~PlainFileOutput() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  bool write(const std::uint8_t* data, std::size_t length) override {
    if (!error_.empty()) return false;
    if (std::fwrite(data, 1, length, file_) != length) {
      error_ = path_ + ": write failed: " + std::strerror(errno);
      return false;
    }
    return true;
  }
  bool close() override {
    if (file_ == nullptr) return error_.empty();
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0 && error_.empty()) error_ = path_ + ": close failed: " + std::strerror(errno);
    return error_.empty();
  }

 private:
  std::FILE* file_;
  std::string path_;
};

class GzipFileOutput final : public ByteOutput {
 public:
  GzipFileOutput(gzFile f, std::string path) : file_(f), path_(std::move(path)) {}
  ~GzipFileOutput() override {
    if (file_ != nullptr) gzclose(file_);
  }
  bool write(const std::uint8_t* data, std::size_t length) override {
    if (!error_.empty()) return false;
    while (length > 0) {
      const unsigned chunk = length > kGzipBuffer ? kGzipBuffer : static_cast<unsigned>(length);
      if (gzwrite(file_, data, chunk) != static_cast<int>(chunk)) {
        int code = 0;
        error_ = path_ + ": gzip write failed: " + gzerror(file_, &code);
        return false;
      }
      data += chunk;
      length -= chunk;
    }
    return true;
  }
  bool close() override {
    if (file_ == nullptr) return error_.empty();
    const int rc = gzclose(file_);
    file_ = nullptr;
    if (rc != Z_OK && error_.empty()) error_ = path_ + ": gzip close failed (code " + std::to_string(rc) + ")";
    return error_.empty();
  }

 private:
  gzFile file_;
  std::string path_;
};

}  // namespace

bool ends_with(const std::string& s, const std::string& suffix) noexcept {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<ByteOutput> open_file_output(const std::string& path, std::string& error) {
  if (ends_with(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), kGzipMode);
    if (f == nullptr) {
      error = path + ": cannot create: " + std::strerror(errno);
      return nullptr;
    }
    gzbuffer(f, kGzipBuffer);
    return std::make_unique<GzipFileOutput>(f, path);
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    error = path + ": cannot create: " + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<PlainFileOutput>(f, path);
}

}  // namespace tickwire::generator
