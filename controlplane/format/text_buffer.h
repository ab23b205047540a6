// An append-only character buffer that flushes to a FILE* in large writes (or, without a
// FILE*, holds its text until cleared).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace tickwire::format {

class TextBuffer {
 public:
  static constexpr std::size_t kFlushAt = 1u << 16;

  explicit TextBuffer(std::FILE* out) : out_(out) { data_.reserve(kFlushAt + 4096); }
  ~TextBuffer() { flush(); }
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  void put(char c) { data_.push_back(c); }
  void put(std::string_view s) { data_.insert(data_.end(), s.begin(), s.end()); }
  void put_uint(std::uint64_t v) {
    char digits[20];
    const auto r = std::to_chars(digits, digits + sizeof digits, v);
    data_.insert(data_.end(), digits, r.ptr);
  }
  // v with leading zeros to `width` digits (at most 20).
  void put_padded_uint(std::uint64_t v, unsigned width);
  // v / 10^decimals with exactly `decimals` digits after the point.
  void put_fixed(std::uint64_t v, unsigned decimals);
  // A JSON string body: quotes and backslashes escaped, bytes outside printable ASCII as \u00XX.
  void put_json_escaped(std::string_view s);
  // A CSV cell: quoted when it holds a comma, quote, CR, LF or leading/trailing space.
  void put_csv_cell(std::string_view s);

  // Writes out when enough has accumulated; call at record boundaries.
  void maybe_flush() {
    if (data_.size() >= kFlushAt) flush();
  }
  void flush();
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  // What is held and not yet flushed.
  [[nodiscard]] std::string_view text() const noexcept { return {data_.data(), data_.size()}; }
  void clear() noexcept { data_.clear(); }

 private:
  std::FILE* out_;
  std::vector<char> data_;
  bool failed_ = false;
};

}  // namespace tickwire::format
