// A fixed-capacity array in its own anonymous mapping: sized once at start-up, never grown.
// Pages are zero until written, so a large capacity costs memory only as it is used, unless
// `prefault` touches it all up front (what a live appliance wants: no page fault on the hot
// path; see DESIGN.md on first-touch cost).
//
// The mapping is 2 MiB aligned and asks for transparent huge pages: indexes and pools are
// read at random, and with 4 KiB pages nearly every such read also misses the TLB.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace tickwire {

template <class T>
class MappedArray {
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kSmallPage = 4096;
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "elements live in zeroed pages: they must be plain data whose all-zero bytes are valid");

 public:
  MappedArray() = default;
  // Empty (capacity 0) if the mapping fails; callers check ok(). With `reserved_huge_pages`
  // the array goes to the system's reserved huge pages (hugetlbfs, as DPDK uses) when enough
  // are free: the only huge pages some hypervisors honour, and with them a random read
  // rarely misses the TLB. They are shared with DPDK's mempools, so only the appliance's
  // hot pools ask for them.
  explicit MappedArray(std::size_t capacity, bool prefault = false, bool reserved_huge_pages = false)
      : capacity_(capacity) {
    if (capacity == 0) return;
    bytes_ = (capacity * sizeof(T) + kHugePage - 1) / kHugePage * kHugePage;
    if (reserved_huge_pages) {
      void* huge = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
      if (huge != MAP_FAILED) {
        data_ = static_cast<T*>(huge);
        huge_pages_ = true;
        if (prefault) touch_pages();
        return;
      }
    }
    // Over-map by one huge page to place the array on a huge-page boundary.
    void* p = mmap(nullptr, bytes_ + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
      capacity_ = 0;
      bytes_ = 0;
      return;
    }
    auto* raw = static_cast<std::byte*>(p);
    const std::size_t lead = (kHugePage - reinterpret_cast<std::uintptr_t>(raw) % kHugePage) % kHugePage;
    if (lead != 0) munmap(raw, lead);
    munmap(raw + lead + bytes_, kHugePage - lead);
    data_ = reinterpret_cast<T*>(raw + lead);
    madvise(data_, bytes_, MADV_HUGEPAGE);
    if (prefault) touch_pages();
  }
  ~MappedArray() { release(); }
  MappedArray(MappedArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        capacity_(std::exchange(o.capacity_, 0)),
        bytes_(std::exchange(o.bytes_, 0)),
        huge_pages_(std::exchange(o.huge_pages_, false)) {}
  MappedArray& operator=(MappedArray&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      capacity_ = std::exchange(o.capacity_, 0);
      bytes_ = std::exchange(o.bytes_, 0);
      huge_pages_ = std::exchange(o.huge_pages_, false);
    }
    return *this;
  }
  MappedArray(const MappedArray&) = delete;
  MappedArray& operator=(const MappedArray&) = delete;

  [[nodiscard]] bool ok() const noexcept { return data_ != nullptr; }
  [[nodiscard]] bool huge_pages() const noexcept { return huge_pages_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }

 private:
  // A write per page: with huge pages, one fault per 2 MiB.
  void touch_pages() noexcept {
    auto* bytes = reinterpret_cast<volatile std::byte*>(data_);
    for (std::size_t i = 0; i < bytes_; i += kSmallPage) bytes[i] = std::byte{0};
  }
  void release() noexcept {
    if (data_ != nullptr) munmap(data_, bytes_);
    data_ = nullptr;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t bytes_ = 0;
  bool huge_pages_ = false;
};

}  // namespace tickwire
