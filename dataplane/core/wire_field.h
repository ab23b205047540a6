// Field types for in-place views of big-endian wire structs.
//
// Every wire struct (ITCH, MoldUDP64, IP/UDP headers) is composed of these types only, so it
// has alignment 1, no padding, and can be laid over packet bytes without copying. Values are
// byte-swapped on access; nothing is decoded that is not read.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace tickwire::wire {

static_assert(std::endian::native == std::endian::little, "wire views assume a little-endian host");

namespace detail {
template <std::size_t N>
using UintFor = std::conditional_t<(N <= 2), std::uint16_t,
                                   std::conditional_t<(N <= 4), std::uint32_t, std::uint64_t>>;
}  // namespace detail

// An unsigned big-endian integer of N bytes (N = 2, 4, 6 or 8). kScaleDigits > 0 marks a
// fixed-point price with that many implied decimals (ITCH Price(4) and Price(8)); the value
// stays the raw integer.
template <std::size_t N, unsigned kScaleDigits = 0>
struct BigEndianUint {
  static_assert(N == 2 || N == 4 || N == 6 || N == 8);
  using value_type = detail::UintFor<N>;
  static constexpr std::size_t kSize = N;
  static constexpr unsigned kDecimals = kScaleDigits;

  std::uint8_t bytes[N];

  [[nodiscard]] value_type value() const noexcept {
    if constexpr (N == 2) {
      std::uint16_t v;
      std::memcpy(&v, bytes, 2);
      return __builtin_bswap16(v);
    } else if constexpr (N == 4) {
      std::uint32_t v;
      std::memcpy(&v, bytes, 4);
      return __builtin_bswap32(v);
    } else if constexpr (N == 6) {
      std::uint16_t hi;
      std::uint32_t lo;
      std::memcpy(&hi, bytes, 2);
      std::memcpy(&lo, bytes + 2, 4);
      return (std::uint64_t{__builtin_bswap16(hi)} << 32) | __builtin_bswap32(lo);
    } else {
      std::uint64_t v;
      std::memcpy(&v, bytes, 8);
      return __builtin_bswap64(v);
    }
  }

  void set(value_type v) noexcept {
    for (std::size_t i = 0; i < N; ++i) bytes[N - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
};

using U16 = BigEndianUint<2>;
using U32 = BigEndianUint<4>;
using U48 = BigEndianUint<6>;
using U64 = BigEndianUint<8>;
using Price4 = BigEndianUint<4, 4>;
using Price8 = BigEndianUint<8, 8>;

// A fixed-width ASCII field, left-justified and space-padded (ITCH "Alpha").
template <std::size_t N>
struct Alpha {
  static constexpr std::size_t kSize = N;
  char chars[N];

  [[nodiscard]] std::string_view raw() const noexcept { return {chars, N}; }
  // Without the right padding; a one-byte field is kept as it is (a space is a value there).
  [[nodiscard]] std::string_view trimmed() const noexcept {
    if constexpr (N == 1) {
      return raw();
    } else {
      std::size_t n = N;
      while (n > 0 && chars[n - 1] == ' ') --n;
      return {chars, n};
    }
  }
  [[nodiscard]] char value() const noexcept
    requires(N == 1)
  {
    return chars[0];
  }

  void set(std::string_view s) noexcept {
    for (std::size_t i = 0; i < N; ++i) chars[i] = i < s.size() ? s[i] : ' ';
  }
};

template <class T>
inline constexpr bool kIsAlpha = false;
template <std::size_t N>
inline constexpr bool kIsAlpha<Alpha<N>> = true;

template <class T>
inline constexpr bool kIsUint = false;
template <std::size_t N, unsigned D>
inline constexpr bool kIsUint<BigEndianUint<N, D>> = true;

// Lays a wire struct over bytes the caller has bounds-checked. Wire structs are
// alignment-1 aggregates of byte arrays, so this reads the packet in place.
template <class View>
[[nodiscard]] inline const View& view_as(const std::uint8_t* p) noexcept {
  static_assert(alignof(View) == 1 && std::is_trivially_copyable_v<View>);
  return *reinterpret_cast<const View*>(p);
}

}  // namespace tickwire::wire
