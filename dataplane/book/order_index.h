// Order reference -> order handle, built for how ITCH assigns references: they rise through
// the day, and most orders die young. A direct-mapped table indexed by the low bits of the
// reference holds the recent orders, so consecutive references sit in consecutive slots (the
// orders a feed is busy with share cache lines, and a lookup is one load plus the order
// itself). A reference whose slot a newer one needs moves to a hash index of long-lived
// orders. Nothing probes through runs of live neighbours, whatever the reference pattern.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "dataplane/book/book_types.h"
#include "dataplane/book/flat_index.h"
#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::book {

struct OrderReferenceOf {
  const Order* orders = nullptr;
  [[nodiscard]] std::uint64_t operator()(std::uint32_t h) const noexcept { return orders[h].reference; }
};

class OrderIndex {
 public:
  OrderIndex() = default;
  OrderIndex(std::size_t max_orders, const Order* orders, bool prefault, bool huge_pages)
      : orders_(orders),
        recent_(std::bit_ceil(std::max<std::size_t>(16, max_orders)), prefault, huge_pages),
        mask_(recent_.capacity() - 1),
        long_lived_(max_orders, OrderReferenceOf{orders}, prefault, huge_pages) {}

  [[nodiscard]] bool ok() const noexcept { return recent_.ok() && long_lived_.ok(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return recent_.bytes() + long_lived_.bytes(); }
  [[nodiscard]] std::size_t long_lived() const noexcept { return long_lived_.size(); }
  [[nodiscard]] bool huge_pages() const noexcept { return recent_.huge_pages() && long_lived_.huge_pages(); }

  [[nodiscard]] std::uint32_t find(std::uint64_t reference) const noexcept {
    const std::uint32_t h = recent_[reference & mask_];
    if (TW_LIKELY(h != 0 && orders_[h].reference == reference)) return h;
    return long_lived_.size() == 0 ? 0 : long_lived_.find(reference);
  }

  // Whether `reference` may be live: false for one above every reference inserted so far,
  // which is how the feed hands out new ones, and saves the lookup a new order would do.
  [[nodiscard]] bool may_contain(std::uint64_t reference) const noexcept { return reference <= highest_; }

  // Only once every order is erased: a new trading day hands out references from 1 again.
  void forget_references() noexcept { highest_ = 0; }
  // The caller has checked that `reference` is absent and filled the order's reference.
  void insert(std::uint64_t reference, std::uint32_t handle) noexcept {
    if (reference > highest_) highest_ = reference;
    std::uint32_t& slot = recent_[reference & mask_];
    if (slot != 0) long_lived_.insert(orders_[slot].reference, slot);
    slot = handle;
  }

  // The order must still hold its reference.
  void erase(std::uint64_t reference) noexcept {
    std::uint32_t& slot = recent_[reference & mask_];
    if (slot != 0 && orders_[slot].reference == reference) {
      slot = 0;
    } else {
      long_lived_.erase(reference);
    }
  }

  void prefetch(std::uint64_t reference) const noexcept { prefetch_line(&recent_[reference & mask_]); }
  void prefetch_long_lived(std::uint64_t reference) const noexcept { long_lived_.prefetch(reference); }
  // The handle in the reference's direct slot, unverified (it may be another order's): for
  // prefetching, where loading the order to check it would stall on the miss we are hiding.
  [[nodiscard]] std::uint32_t candidate(std::uint64_t reference) const noexcept { return recent_[reference & mask_]; }

 private:
  const Order* orders_ = nullptr;
  MappedArray<std::uint32_t> recent_;
  std::size_t mask_ = 0;
  FlatIndex<OrderReferenceOf> long_lived_;
  std::uint64_t highest_ = 0;
};

}  // namespace tickwire::book
