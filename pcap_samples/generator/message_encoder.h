// Filling ITCH messages in a scratch buffer through the views of dataplane/itch/messages.h,
// so the generator writes every layout through the one definition the decoder reads.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "dataplane/itch/messages.h"

namespace tickwire::generator {

inline constexpr std::size_t kMaxItchMessage = 64;  // the longest ITCH 5.0 message is 50 bytes

// Lays message type M over `buffer` and fills the common header.
template <class M>
M& start_message(std::uint8_t* buffer, std::uint16_t locate, std::uint64_t timestamp) noexcept {
  static_assert(sizeof(M) <= kMaxItchMessage && alignof(M) == 1 && std::is_trivially_copyable_v<M>);
  M& m = *reinterpret_cast<M*>(buffer);
  m.header.message_type.chars[0] = M::kType;
  m.header.stock_locate.set(locate);
  m.header.tracking_number.set(0);
  m.header.timestamp.set(timestamp);
  return m;
}

[[nodiscard]] inline std::string_view stock_view(const char (&stock)[8]) noexcept { return {stock, 8}; }

inline void set_char(itch::Alpha<1>& field, char c) noexcept { field.chars[0] = c; }

}  // namespace tickwire::generator
