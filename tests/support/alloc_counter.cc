#include "tests/support/alloc_counter.h"

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TW_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TW_SANITIZED 1
#endif
#endif

namespace {
// Initial-exec TLS in the executable: reading it never allocates, even inside malloc.
thread_local std::uint64_t t_allocations = 0;
thread_local int t_scopes = 0;

inline void note_allocation() noexcept {
  if (t_scopes > 0) ++t_allocations;
}
}  // namespace

#if defined(TW_SANITIZED)
// ASan and TSan own malloc; they offer a hook instead.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void*, std::size_t),
                                                         void (*)(const volatile void*));
namespace {
void on_malloc(const volatile void*, std::size_t) { note_allocation(); }
void on_free(const volatile void*) {}
const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);

void* malloc(std::size_t n) {
  note_allocation();
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  note_allocation();
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  note_allocation();
  return __libc_realloc(p, n);
}
void* memalign(std::size_t alignment, std::size_t n) {
  note_allocation();
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
  note_allocation();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  note_allocation();
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
}
#endif

namespace tickwire::test {

AllocationScope::AllocationScope() : start_(t_allocations) { ++t_scopes; }
AllocationScope::~AllocationScope() { --t_scopes; }
std::uint64_t AllocationScope::count() const noexcept { return t_allocations - start_; }

bool allocation_counting_available() noexcept {
  std::uint64_t before = t_allocations;
  ++t_scopes;
  void* volatile p = ::operator new(16);
  --t_scopes;
  ::operator delete(p);
  return t_allocations != before;
}

}  // namespace tickwire::test
