// Resting orders, stored where their reference points. ITCH hands out references rising
// through the day and most orders die young, so an order lives in the direct-mapped slot its
// reference's low bits name: finding it is one load of the order itself, and the orders a
// feed is busy with (consecutive references) share cache lines. An order still alive when a
// newer reference needs its slot moves to the overflow region, found through a hash index of
// long-lived orders. No order points at another (a level's queue is ordered by arrival, see
// Order), so moving one relinks nothing.
//
// The overflow region holds max_orders records, so any pattern of references fits as many
// live orders as configured, however they collide.
#pragma once

#include <algorithm>
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

class OrderTable {
 public:
  // Direct slots (a power of two at least max_orders) plus as many overflow records must be
  // nameable by a 32-bit handle.
  static constexpr std::size_t kMaxOrders = std::size_t{1} << 30;

  OrderTable() = default;
  OrderTable(std::size_t max_orders, bool prefault, bool huge_pages)
      : direct_slots_(std::bit_ceil(std::clamp<std::size_t>(max_orders, 16, kMaxOrders))),
        mask_(direct_slots_ - 1),
        overflow_capacity_(std::min(max_orders, kMaxOrders)),
        records_(direct_slots_ + overflow_capacity_ + 1, prefault, huge_pages),
        long_lived_(overflow_capacity_, OrderReferenceOf{records_.data()}, prefault, huge_pages),
        next_fresh_overflow_(static_cast<Handle>(direct_slots_ + 1)) {}

  [[nodiscard]] bool ok() const noexcept { return records_.ok() && long_lived_.ok(); }
  [[nodiscard]] std::size_t bytes() const noexcept { return records_.bytes() + long_lived_.bytes(); }
  [[nodiscard]] bool huge_pages() const noexcept { return records_.huge_pages() && long_lived_.huge_pages(); }
  // Orders in the overflow region now.
  [[nodiscard]] std::size_t long_lived() const noexcept { return long_lived_.size(); }

  [[nodiscard]] Order& operator[](Handle h) noexcept { return records_[h]; }
  [[nodiscard]] const Order& operator[](Handle h) const noexcept { return records_[h]; }

  // Whether a record holds the live order with `reference` (bitwise, so that the hint
  // stages, which must not branch on it, compute it as they are).
  [[nodiscard]] static bool holds(const Order& o, std::uint64_t reference) noexcept {
    return (o.level != kNone) & (o.reference == reference);
  }

  // The live order with `reference`, or kNone.
  [[nodiscard]] Handle find(std::uint64_t reference) const noexcept {
    const Handle h = direct_handle(reference);
    if (TW_LIKELY(holds(records_[h], reference))) return h;
    return long_lived_.size() == 0 ? kNone : long_lived_.find(reference);
  }

  // Whether `reference` may be live: false for one above every reference placed so far,
  // which is how the feed hands out new ones, and saves the lookup a new order would do.
  [[nodiscard]] bool may_contain(std::uint64_t reference) const noexcept { return reference <= highest_; }
  // Only once no order is live: a new trading day hands out references from 1 again.
  void forget_references() noexcept { highest_ = 0; }

  // Whether place(reference) has room: its slot is free, or the overflow region has room for
  // the order in it.
  [[nodiscard]] bool can_place(std::uint64_t reference) const noexcept {
    return records_[direct_handle(reference)].level == kNone || free_overflow_ != kNone ||
           next_fresh_overflow_ <= direct_slots_ + overflow_capacity_;
  }
  // The record for a new order with `reference` (absent, can_place checked), which the
  // caller fills: a live order in its slot moves to the overflow region first.
  [[nodiscard]] Handle place(std::uint64_t reference) noexcept {
    if (reference > highest_) highest_ = reference;
    const Handle h = direct_handle(reference);
    Order& slot = records_[h];
    if (slot.level != kNone) {
      Handle moved = free_overflow_;
      if (moved != kNone) {
        free_overflow_ = records_[moved].instrument;
      } else {
        moved = next_fresh_overflow_++;
      }
      records_[moved] = slot;
      long_lived_.insert(slot.reference, moved);
    }
    return h;
  }
  // Frees a live order's record.
  void release(Handle h) noexcept {
    Order& o = records_[h];
    if (h > direct_slots_) {
      long_lived_.erase(o.reference);
      o.instrument = free_overflow_;  // a free overflow record links the free list here
      free_overflow_ = h;
    }
    o.level = kNone;
  }

  // Frees every live order `pred` is true of (slow path: a scan of the table); returns how many.
  template <class Pred>
  std::size_t release_where(Pred&& pred) noexcept {
    std::size_t released = 0;
    for_each_used([&](Handle h) {
      if (records_[h].level != kNone && pred(records_[h])) {
        release(h);
        ++released;
      }
    });
    return released;
  }
  // Visits every live order, in no particular order (slow path: a scan of the table).
  template <class Fn>
  void for_each_live(Fn&& fn) const {
    for_each_used([&](Handle h) {
      if (records_[h].level != kNone) fn(h, records_[h]);
    });
  }

  // Hints (see BookStore): the record a reference's slot holds, loaded or not yet.
  void prefetch(std::uint64_t reference) const noexcept { prefetch_line(&records_[direct_handle(reference)]); }
  [[nodiscard]] const Order& candidate(std::uint64_t reference) const noexcept {
    return records_[direct_handle(reference)];
  }
  void prefetch_long_lived(std::uint64_t reference) const noexcept { long_lived_.prefetch(reference); }
  // The overflow record the long-lived index's home slot names, unverified (0: none).
  [[nodiscard]] Handle long_lived_candidate(std::uint64_t reference) const noexcept {
    return long_lived_.candidate(reference);
  }

 private:
  [[nodiscard]] Handle direct_handle(std::uint64_t reference) const noexcept {
    return static_cast<Handle>((reference & mask_) + 1);  // handle 0 is none
  }

  // Every record that may have held an order: direct slots up to the highest reference
  // (all of them once references pass the slot count), and the overflow records handed out.
  template <class Fn>
  void for_each_used(Fn&& fn) const {
    const std::size_t direct_end = highest_ < direct_slots_ ? highest_ + 1 : direct_slots_;
    for (std::size_t h = 1; h <= direct_end; ++h) fn(static_cast<Handle>(h));
    for (std::size_t h = direct_slots_ + 1; h < next_fresh_overflow_; ++h) fn(static_cast<Handle>(h));
  }

  std::size_t direct_slots_ = 0;
  std::size_t mask_ = 0;
  std::size_t overflow_capacity_ = 0;
  MappedArray<Order> records_;  // [1, direct_slots_] direct, then the overflow region
  FlatIndex<OrderReferenceOf> long_lived_;
  Handle free_overflow_ = kNone;
  Handle next_fresh_overflow_ = 0;
  std::uint64_t highest_ = 0;
};

}  // namespace tickwire::book
