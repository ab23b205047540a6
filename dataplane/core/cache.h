// Cache-line geometry shared by every hot struct.
#pragma once

#include <cstddef>

namespace tickwire {

// x86-64 and the Neoverse cores tickwire targets all use 64-byte lines. Hot structs are
// aligned to this and padded so two cores never write the same line (false sharing).
inline constexpr std::size_t kCacheLine = 64;

// Starts loading the line holding `p` into every cache level. Not __builtin_prefetch: GCC 12
// at -O2 deleted those as dead code (the book builder's hints compiled to nothing, found by
// reading the bench's disassembly); an asm volatile is never deleted. `p` need not be valid.
inline void prefetch_line(const void* p) noexcept {
#if defined(__x86_64__)
  asm volatile("prefetcht0 (%0)" : : "r"(p));
#elif defined(__aarch64__)
  asm volatile("prfm pldl1keep, [%0]" : : "r"(p));
#else
  __builtin_prefetch(p);
#endif
}

#define TW_LIKELY(x) __builtin_expect(!!(x), 1)
#define TW_UNLIKELY(x) __builtin_expect(!!(x), 0)

}  // namespace tickwire
