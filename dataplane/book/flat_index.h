// A fixed-capacity hash index from 64-bit keys to 32-bit handles of records in a pool:
// open addressing, linear probing, deletion by backward shift (no tombstones, so a day of
// add/delete churn never degrades it). A slot holds only the handle (4 bytes); the key is
// read back from the record, which the caller is about to touch anyway. That keeps the
// table a quarter of a key+handle table, so more of it stays in cache. Handle 0 marks an
// empty slot, which makes a zero page an empty table. Keys are scattered by multiplicative
// hashing, so probe runs stay short at any key pattern.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::book {

// KeyOf: std::uint64_t operator()(std::uint32_t handle) const, the key of a live record.
template <class KeyOf>
class FlatIndex {
 public:
  FlatIndex() = default;
  // Room for `max_entries` at a load factor of at most 1/2.
  FlatIndex(std::size_t max_entries, KeyOf key_of, bool prefault = false, bool huge_pages = false)
      : slots_(std::bit_ceil(std::max<std::size_t>(16, 2 * max_entries)), prefault, huge_pages),
        mask_(slots_.capacity() - 1),
        bits_(static_cast<unsigned>(std::countr_zero(slots_.capacity()))),
        key_of_(key_of) {}

  [[nodiscard]] bool ok() const noexcept { return slots_.ok(); }
  [[nodiscard]] std::size_t slot_count() const noexcept { return slots_.capacity(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return slots_.bytes(); }
  [[nodiscard]] bool huge_pages() const noexcept { return slots_.huge_pages(); }

  // The handle stored for `key`, or 0.
  [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const std::uint32_t h = slots_[i];
      if (h == 0 || key_of_(h) == key) return h;
    }
  }

  // Adds `handle` (whose record has key `key`); the caller has checked that `key` is absent
  // and keeps size() <= max_entries.
  void insert(std::uint64_t key, std::uint32_t handle) noexcept {
    std::size_t i = home(key);
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = handle;
    ++size_;
  }

  // Removes `key` if present. The record must still hold its key.
  void erase(std::uint64_t key) noexcept {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      const std::uint32_t h = slots_[i];
      if (h == 0) return;
      if (key_of_(h) == key) break;
    }
    --size_;
    // Backward shift: pull later entries of the probe run into the hole when their home
    // position does not lie cyclically between the hole and themselves.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const std::uint32_t next = slots_[j];
      if (next == 0) break;
      const std::size_t h = home(key_of_(next));
      const bool stays = ((j - h) & mask_) < ((j - i) & mask_);
      if (stays) continue;
      slots_[i] = next;
      i = j;
    }
    slots_[i] = 0;
  }

  // Starts loading the cache line where `key`'s probe begins.
  void prefetch(std::uint64_t key) const noexcept { prefetch_line(&slots_[home(key)]); }
  // The handle in `key`'s home slot, unverified: for prefetching (see OrderTable::candidate).
  [[nodiscard]] std::uint32_t candidate(std::uint64_t key) const noexcept { return slots_[home(key)]; }

 private:
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits_));
  }

  MappedArray<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  unsigned bits_ = 0;
  KeyOf key_of_{};
  std::size_t size_ = 0;
};

}  // namespace tickwire::book
