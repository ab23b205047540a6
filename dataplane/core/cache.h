// Cache-line geometry shared by every hot struct.
#pragma once

#include <cstddef>

namespace tickwire {

// x86-64 and the Neoverse cores tickwire targets all use 64-byte lines. Hot structs are
// aligned to this and padded so two cores never write the same line (false sharing).
inline constexpr std::size_t kCacheLine = 64;

#define TW_LIKELY(x) __builtin_expect(!!(x), 1)
#define TW_UNLIKELY(x) __builtin_expect(!!(x), 0)

}  // namespace tickwire
