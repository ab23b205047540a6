// MoldUDP64 downstream packets (NASDAQ MoldUDP64 Protocol Specification v1.00): a 20-byte
// header, then `message_count` blocks of a 2-byte big-endian length and that many bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dataplane/core/cache.h"
#include "dataplane/core/wire_field.h"

namespace tickwire::feed {

struct MoldUdp64Header {
  wire::Alpha<10> session;
  wire::U64 sequence_number;  // of the first message in the packet; next expected when count is 0
  wire::U16 message_count;

  static constexpr std::uint16_t kHeartbeat = 0;
  static constexpr std::uint16_t kEndOfSession = 0xFFFF;
};
static_assert(sizeof(MoldUdp64Header) == 20);

inline constexpr std::size_t kMoldBlockLengthSize = 2;

// A session name is 10 ASCII bytes; kept as an integer pair so that comparing two is cheap.
struct SessionId {
  std::uint64_t head = 0;
  std::uint16_t tail = 0;

  static SessionId from(const wire::Alpha<10>& s) noexcept {
    SessionId id;
    __builtin_memcpy(&id.head, s.chars, 8);
    __builtin_memcpy(&id.tail, s.chars + 8, 2);
    return id;
  }
  friend bool operator==(const SessionId&, const SessionId&) = default;
  [[nodiscard]] std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(this), 10};
  }
};
static_assert(offsetof(SessionId, tail) == 8, "text() reads head and tail as 10 contiguous bytes");

// Walks the message blocks of one packet. Stops at the first block that does not fit.
struct MoldBlockCursor {
  const std::uint8_t* next;
  const std::uint8_t* end;

  // False when no complete block is left; `message`/`length` are set otherwise.
  [[nodiscard]] bool advance(const std::uint8_t*& message, std::size_t& length) noexcept {
    if (TW_UNLIKELY(static_cast<std::size_t>(end - next) < kMoldBlockLengthSize)) return false;
    const std::size_t n = wire::view_as<wire::U16>(next).value();
    const std::uint8_t* body = next + kMoldBlockLengthSize;
    if (TW_UNLIKELY(static_cast<std::size_t>(end - body) < n)) return false;
    message = body;
    length = n;
    next = body + n;
    return true;
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return static_cast<std::size_t>(end - next); }
};

}  // namespace tickwire::feed
