// The pause a spinning core makes between two looks at a shared line: it frees the sibling
// hyperthread and avoids the memory-order flush when the line finally changes.
#pragma once

namespace tickwire {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace tickwire
