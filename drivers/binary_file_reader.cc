#include "drivers/binary_file_reader.h"

#include <cstring>

#include "dataplane/itch/decoder.h"

namespace tickwire::drivers {

namespace {
constexpr std::size_t kLengthPrefix = 2;
// A length prefix can announce at most 65535 bytes: the buffer always holds one message.
constexpr std::size_t kMaxRecord = kLengthPrefix + 0xFFFF;
}  // namespace

bool looks_like_binary_file(const unsigned char* head, std::size_t n) noexcept {
  if (n < kLengthPrefix + 1) return false;
  const std::size_t length = (std::size_t{head[0]} << 8) | head[1];
  return length != 0 && length == itch::spec_length(head[2]);
}

std::unique_ptr<BinaryFileReader> BinaryFileReader::open(const std::string& path, std::string& error,
                                                         std::size_t chunk_bytes) {
  std::unique_ptr<ByteStream> stream = ByteStream::open(path, error);
  if (!stream) return nullptr;
  std::unique_ptr<BinaryFileReader> r(new BinaryFileReader());
  r->stream_ = std::move(stream);
  r->buffer_.resize(std::max(chunk_bytes, 2 * kMaxRecord));
  return r;
}

bool BinaryFileReader::refill() {
  if (eof_) return false;
  const std::size_t tail = end_ - begin_;
  if (tail != 0 && begin_ != 0) std::memmove(buffer_.data(), buffer_.data() + begin_, tail);
  begin_ = 0;
  end_ = tail;
  const std::size_t got = stream_->read(buffer_.data() + end_, buffer_.size() - end_);
  end_ += got;
  bytes_read_ += got;
  if (got == 0) eof_ = true;
  return got != 0;
}

ReadStatus BinaryFileReader::next(const std::uint8_t*& message, std::size_t& length) {
  for (;;) {
    const std::size_t available = end_ - begin_;
    if (available >= kLengthPrefix) {
      const std::uint8_t* p = buffer_.data() + begin_;
      const std::size_t n = (std::size_t{p[0]} << 8) | p[1];
      if (available >= kLengthPrefix + n) {
        message = p + kLengthPrefix;
        length = n;
        begin_ += kLengthPrefix + n;
        return ReadStatus::kFrame;
      }
    }
    if (!refill()) {
      if (stream_->failed()) {
        error_ = stream_->failure();
        return ReadStatus::kGzipError;
      }
      if (end_ != begin_) {
        error_ = "file ends inside a message (" + std::to_string(end_ - begin_) + " bytes left)";
        begin_ = end_;
        return ReadStatus::kTruncated;
      }
      return ReadStatus::kEnd;
    }
  }
}

ReadStatus BinaryFileReader::next_run(book::MessageRef* out, std::size_t max, std::size_t& count) {
  count = 0;
  if (max == 0) return ReadStatus::kFrame;
  // Only the first message may refill the buffer, which would move what came before it.
  const ReadStatus first = next(out[0].data, out[0].length);
  if (first != ReadStatus::kFrame) return first;
  count = 1;
  while (count < max && end_ - begin_ >= kLengthPrefix) {
    const std::uint8_t* p = buffer_.data() + begin_;
    const std::size_t n = (std::size_t{p[0]} << 8) | p[1];
    if (end_ - begin_ < kLengthPrefix + n) break;
    out[count++] = {p + kLengthPrefix, n};
    begin_ += kLengthPrefix + n;
  }
  return ReadStatus::kFrame;
}

}  // namespace tickwire::drivers
