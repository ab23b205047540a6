// A bounded single-producer single-consumer ring of trivially copyable records: the link
// between two cores (RX core to worker, control plane to RX core and back).
//
// Cold fields first; then the producer's index with its cached copy of the consumer's, and
// the consumer's index with its cached copy of the producer's, each pair on its own cache
// line so the two cores never write the same line. Indices run free (they only grow and are
// masked on use): full and empty differ without a spare slot, and wrap-around needs 2^64
// records. The slots are allocated once, at construction.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::sched {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "records are copied in and out");

 public:
  // Room for `capacity` records, rounded up to a power of two.
  explicit SpscRing(std::size_t capacity, bool prefault = false)
      : slots_(std::bit_ceil(std::max<std::size_t>(2, capacity)), prefault), mask_(slots_.capacity() - 1) {}

  [[nodiscard]] bool ok() const noexcept { return slots_.ok(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

  // Producer side.
  [[nodiscard]] bool try_push(const T& record) noexcept {
    const std::size_t write = producer_.index.load(std::memory_order_relaxed);
    if (TW_UNLIKELY(write - producer_.cached_other == capacity())) {
      producer_.cached_other = consumer_.index.load(std::memory_order_acquire);
      if (write - producer_.cached_other == capacity()) return false;
    }
    slots_[write & mask_] = record;
    producer_.index.store(write + 1, std::memory_order_release);
    return true;
  }

  // All of `records` or none (a message's events travel together, so a consumer never sees
  // half a message). Written now, visible to the consumer at the next publish(): a producer
  // that pushes many records per burst then pays for one shared store, not one per push.
  [[nodiscard]] bool try_stage_all(std::span<const T> records) noexcept {
    const std::size_t write = producer_.index.load(std::memory_order_relaxed) + producer_.staged;
    if (TW_UNLIKELY(write + records.size() - producer_.cached_other > capacity())) {
      producer_.cached_other = consumer_.index.load(std::memory_order_acquire);
      if (write + records.size() - producer_.cached_other > capacity()) return false;
    }
    for (std::size_t i = 0; i < records.size(); ++i) slots_[(write + i) & mask_] = records[i];
    producer_.staged += records.size();
    return true;
  }
  void publish() noexcept {
    if (producer_.staged == 0) return;
    producer_.index.store(producer_.index.load(std::memory_order_relaxed) + producer_.staged,
                          std::memory_order_release);
    producer_.staged = 0;
  }
  [[nodiscard]] bool try_push_all(std::span<const T> records) noexcept {
    if (!try_stage_all(records)) return false;
    publish();
    return true;
  }

  // Consumer side: the oldest record, or null when empty; valid until pop().
  [[nodiscard]] const T* front() noexcept {
    const std::size_t read = consumer_.index.load(std::memory_order_relaxed);
    if (read == consumer_.cached_other) {
      consumer_.cached_other = producer_.index.load(std::memory_order_acquire);
      if (read == consumer_.cached_other) return nullptr;
    }
    return &slots_[read & mask_];
  }
  void pop() noexcept {
    consumer_.index.store(consumer_.index.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  // Consumer side, for a consumer that looks past the oldest record (the scheduler keeps one
  // instrument's messages in order across rings): records readable now, the record at a running
  // position (valid until popped past), the running count of records popped.
  [[nodiscard]] std::size_t readable() noexcept {
    consumer_.cached_other = producer_.index.load(std::memory_order_acquire);
    return consumer_.cached_other - consumer_.index.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const T& at_position(std::size_t position) const noexcept { return slots_[position & mask_]; }
  [[nodiscard]] std::size_t read_position() const noexcept { return consumer_.index.load(std::memory_order_relaxed); }
  void pop(std::size_t n) noexcept {
    consumer_.index.store(consumer_.index.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }

  // Records waiting (exact from either side when the other is idle; a snapshot otherwise).
  [[nodiscard]] std::size_t size() const noexcept {
    return producer_.index.load(std::memory_order_acquire) - consumer_.index.load(std::memory_order_acquire);
  }

 private:
  struct alignas(kCacheLine) Side {
    std::atomic<std::size_t> index{0};
    std::size_t cached_other = 0;  // the other side's index, as last read
    std::size_t staged = 0;        // producer: written past `index`, not yet published
  };
  static_assert(sizeof(Side) == kCacheLine);

  MappedArray<T> slots_;
  std::size_t mask_;
  Side producer_;
  Side consumer_;
};

}  // namespace tickwire::sched
