// A fixed-capacity hash map from 64-bit keys to 32-bit handles: open addressing, linear
// probing, deletion by backward shift (no tombstones, so a day of add/delete churn never
// degrades it). Handle 0 marks an empty slot, which makes a zero page an empty table.
// Keys are scattered by multiplicative hashing, so probe runs stay short at any key pattern.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::book {

class FlatIndex {
 public:
  struct Slot {
    std::uint64_t key;
    std::uint32_t handle;  // 0: empty
    std::uint32_t unused;
  };
  static_assert(sizeof(Slot) == 16);

  FlatIndex() = default;
  // Room for `max_entries` at a load factor of at most 1/2.
  explicit FlatIndex(std::size_t max_entries, bool prefault = false)
      : slots_(std::bit_ceil(std::max<std::size_t>(16, 2 * max_entries)), prefault),
        mask_(slots_.capacity() - 1),
        bits_(static_cast<unsigned>(std::countr_zero(slots_.capacity()))) {}

  [[nodiscard]] bool ok() const noexcept { return slots_.ok(); }
  [[nodiscard]] std::size_t slot_count() const noexcept { return slots_.capacity(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.bytes(); }

  // The handle stored for `key`, or 0.
  [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.handle == 0) return 0;
      if (s.key == key) return s.handle;
    }
  }

  // Starts loading the cache line where `key`'s probe begins.
  void prefetch(std::uint64_t key) const noexcept { __builtin_prefetch(&slots_[home(key)]); }

  // The slot holding `key`, or the empty slot where it belongs (handle 0): one probe serves
  // both the duplicate check and the insertion.
  [[nodiscard]] Slot& locate(std::uint64_t key) noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.handle == 0 || s.key == key) return s;
    }
  }
  // Fills a slot locate() returned empty. The caller keeps size() <= max_entries.
  void occupy(Slot& s, std::uint64_t key, std::uint32_t handle) noexcept {
    s.key = key;
    s.handle = handle;
    ++size_;
  }

  // Removes `key` if present.
  void erase(std::uint64_t key) noexcept {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].handle == 0) return;
      if (slots_[i].key == key) break;
    }
    --size_;
    // Backward shift: pull later entries of the probe run into the hole when their home
    // position does not lie cyclically between the hole and themselves.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      Slot& next = slots_[j];
      if (next.handle == 0) break;
      const std::size_t h = home(next.key);
      const bool stays = ((j - h) & mask_) < ((j - i) & mask_);
      if (stays) continue;
      slots_[i] = next;
      i = j;
    }
    slots_[i].handle = 0;
  }

 private:
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
  }

  MappedArray<Slot> slots_;
  std::size_t mask_ = 0;
  unsigned bits_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tickwire::book
