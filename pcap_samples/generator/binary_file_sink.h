// NASDAQ BinaryFILE: each message behind a 2-byte big-endian length, nothing else.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/core/cache.h"
#include "pcap_samples/generator/byte_output.h"
#include "pcap_samples/generator/message_sink.h"

namespace tickwire::generator {

class BinaryFileSink final : public MessageSink {
 public:
  static constexpr std::size_t kBufferBytes = 1u << 20;

  explicit BinaryFileSink(ByteOutput& output) : output_(output), buffer_(kBufferBytes) {}

  void on_message(const std::uint8_t* message, std::size_t length, std::uint64_t) override {
    if (TW_UNLIKELY(used_ + 2 + length > buffer_.size())) flush();
    std::uint8_t* p = buffer_.data() + used_;
    p[0] = static_cast<std::uint8_t>(length >> 8);
    p[1] = static_cast<std::uint8_t>(length);
    __builtin_memcpy(p + 2, message, length);
    used_ += 2 + length;
  }
  void on_end() override { flush(); }
  // False when the output failed (its error() says why).
  [[nodiscard]] bool ok() const noexcept { return ok_; }

 private:
  void flush() {
    if (used_ > 0 && ok_) ok_ = output_.write(buffer_.data(), used_);
    used_ = 0;
  }
  ByteOutput& output_;
  std::vector<std::uint8_t> buffer_;
  std::size_t used_ = 0;
  bool ok_ = true;
};

}  // namespace tickwire::generator
