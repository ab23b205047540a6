// Order reference -> order handle, built for how ITCH assigns references: they rise through
// the day, and most orders die young. A direct-mapped table indexed by the low bits of the
// reference holds the recent orders, so consecutive references sit in consecutive slots (the
// orders a feed is busy with share cache lines, and a lookup is one load). A reference whose
// slot a newer one needs moves to a hash table of long-lived orders. Nothing probes through
// runs of live neighbours, whatever the reference pattern.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "dataplane/book/flat_index.h"
#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::book {

class OrderIndex {
 public:
  OrderIndex() = default;
  OrderIndex(std::size_t max_orders, bool prefault)
      : recent_(std::bit_ceil(std::max<std::size_t>(16, max_orders)), prefault),
        mask_(recent_.capacity() - 1),
        long_lived_(max_orders, prefault) {}

  [[nodiscard]] bool ok() const noexcept { return recent_.ok() && long_lived_.ok(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return recent_.bytes() + long_lived_.bytes(); }
  [[nodiscard]] std::size_t long_lived() const noexcept { return long_lived_.size(); }

  [[nodiscard]] std::uint32_t find(std::uint64_t reference) const noexcept {
    const FlatIndex::Slot& s = recent_[reference & mask_];
    if (TW_LIKELY(s.handle != 0 && s.key == reference)) return s.handle;
    return long_lived_.size() == 0 ? 0 : long_lived_.find(reference);
  }

  // The caller has checked that `reference` is not present (find() == 0).
  void insert(std::uint64_t reference, std::uint32_t handle) noexcept {
    FlatIndex::Slot& s = recent_[reference & mask_];
    if (s.handle != 0) {
      FlatIndex::Slot& moved = long_lived_.locate(s.key);
      long_lived_.occupy(moved, s.key, s.handle);
    }
    s.key = reference;
    s.handle = handle;
  }

  void erase(std::uint64_t reference) noexcept {
    FlatIndex::Slot& s = recent_[reference & mask_];
    if (s.handle != 0 && s.key == reference) {
      s.handle = 0;
    } else {
      long_lived_.erase(reference);
    }
  }

  void prefetch(std::uint64_t reference) const noexcept { __builtin_prefetch(&recent_[reference & mask_]); }

 private:
  MappedArray<FlatIndex::Slot> recent_;
  std::size_t mask_ = 0;
  FlatIndex long_lived_;
};

}  // namespace tickwire::book
