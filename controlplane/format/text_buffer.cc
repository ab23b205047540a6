#include "controlplane/format/text_buffer.h"

namespace tickwire::format {

void TextBuffer::put_padded_uint(std::uint64_t v, unsigned width) {
  char digits[20];
  const unsigned n = width < sizeof digits ? width : sizeof digits;
  for (unsigned i = n; i-- > 0;) {
    digits[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  put(std::string_view(digits, n));
}

void TextBuffer::put_fixed(std::uint64_t v, unsigned decimals) {
  std::uint64_t scale = 1;
  for (unsigned i = 0; i < decimals; ++i) scale *= 10;
  put_uint(v / scale);
  if (decimals == 0) return;
  put('.');
  put_padded_uint(v % scale, decimals);
}

void TextBuffer::put_json_escaped(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      put('\\');
      put(ch);
    } else if (c < 0x20 || c > 0x7E) {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      put(std::string_view(esc, 6));
    } else {
      put(ch);
    }
  }
}

void TextBuffer::put_csv_cell(std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    put(s);
    return;
  }
  put('"');
  for (const char c : s) {
    if (c == '"') put('"');
    put(c);
  }
  put('"');
}

void TextBuffer::flush() {
  if (data_.empty() || out_ == nullptr) return;
  if (std::fwrite(data_.data(), 1, data_.size(), out_) != data_.size()) failed_ = true;
  data_.clear();
}

}  // namespace tickwire::format
