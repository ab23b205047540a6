// Counts heap allocations (malloc, calloc, realloc, aligned variants, and operator new,
// which goes through malloc) made by the calling thread while a scope is open. Used to
// prove the data path allocates nothing once it runs.
#pragma once

#include <cstdint>

namespace tickwire::test {

class AllocationScope {
 public:
  AllocationScope();
  ~AllocationScope();
  AllocationScope(const AllocationScope&) = delete;
  AllocationScope& operator=(const AllocationScope&) = delete;
  // Allocations by this thread since the scope opened.
  [[nodiscard]] std::uint64_t count() const noexcept;

 private:
  std::uint64_t start_;
};

// Whether counting works in this build (it does in plain and sanitizer builds alike).
[[nodiscard]] bool allocation_counting_available() noexcept;

}  // namespace tickwire::test
