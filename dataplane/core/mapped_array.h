// A fixed-capacity array in its own anonymous mapping: sized once at start-up, never grown.
// Pages are zero until written, so a large capacity costs memory only as it is used, unless
// `prefault` touches it all up front (what a live appliance wants: no page fault on the hot
// path; see DESIGN.md on first-touch cost).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace tickwire {

template <class T>
class MappedArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "elements live in zeroed pages: they must be plain data whose all-zero bytes are valid");

 public:
  MappedArray() = default;
  // Empty (capacity 0) if the mapping fails; callers check ok().
  explicit MappedArray(std::size_t capacity, bool prefault = false) : capacity_(capacity) {
    if (capacity == 0) return;
    bytes_ = capacity * sizeof(T);
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (prefault ? MAP_POPULATE : 0), -1, 0);
    if (p == MAP_FAILED) {
      capacity_ = 0;
      bytes_ = 0;
      return;
    }
    data_ = static_cast<T*>(p);
  }
  ~MappedArray() { release(); }
  MappedArray(MappedArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        capacity_(std::exchange(o.capacity_, 0)),
        bytes_(std::exchange(o.bytes_, 0)) {}
  MappedArray& operator=(MappedArray&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      capacity_ = std::exchange(o.capacity_, 0);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  MappedArray(const MappedArray&) = delete;
  MappedArray& operator=(const MappedArray&) = delete;

  [[nodiscard]] bool ok() const noexcept { return data_ != nullptr; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* data() noexcept { return data_; }

 private:
  void release() noexcept {
    if (data_ != nullptr) munmap(data_, bytes_);
    data_ = nullptr;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace tickwire
