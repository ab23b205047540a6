// A bounded single-producer single-consumer ring of trivially copyable records: the link
// between two cores (RX core to worker, control plane to RX core and back).
//
// Cold fields first; then each side's own bookkeeping (its index, what it has published,
// its cached copy of the other side's index) on a line of its own, and apart from it, on
// another line, the one index it publishes: the other side polls only that line, which
// changes once per publish, and neither core ever writes a line the other writes. Indices
// run free (they only grow and are masked on use): full and empty differ without a spare
// slot, and wrap-around needs 2^64 records. The slots are allocated once, at construction.
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
    if (!try_stage_all(std::span<const T>(&record, 1))) return false;
    publish();
    return true;
  }

  // All of `records` or none (a message's events travel together, so a consumer never sees
  // half a message). Written now, visible to the consumer at the next publish(): a producer
  // that pushes many records per burst then pays for one shared store, not one per push.
  [[nodiscard]] bool try_stage_all(std::span<const T> records) noexcept {
    const std::size_t write = producer_.next;
    if (TW_UNLIKELY(write + records.size() - producer_.cached_other > capacity())) {
      producer_.cached_other = consumer_published_.index.load(std::memory_order_acquire);
      if (write + records.size() - producer_.cached_other > capacity()) return false;
    }
    for (std::size_t i = 0; i < records.size(); ++i) slots_[(write + i) & mask_] = records[i];
    producer_.next = write + records.size();
    return true;
  }
  void publish() noexcept {
    if (producer_.next == producer_.published) return;
    producer_.published = producer_.next;
    producer_published_.index.store(producer_.next, std::memory_order_release);
  }
  [[nodiscard]] bool try_push_all(std::span<const T> records) noexcept {
    if (!try_stage_all(records)) return false;
    publish();
    return true;
  }

  // Consumer side: the oldest record, or null when empty; valid until pop().
  [[nodiscard]] const T* front() noexcept {
    const std::size_t read = consumer_.next;
    if (read == consumer_.cached_other) {
      consumer_.cached_other = producer_published_.index.load(std::memory_order_acquire);
      if (read == consumer_.cached_other) return nullptr;
    }
    return &slots_[read & mask_];
  }
  void pop() noexcept { pop(1); }

  // Consumer side, for a consumer that looks past the oldest record (the scheduler keeps one
  // instrument's messages in order across rings): records readable now, the record at a running
  // position (valid until popped past), the running count of records popped.
  [[nodiscard]] std::size_t readable() noexcept {
    consumer_.cached_other = producer_published_.index.load(std::memory_order_acquire);
    return consumer_.cached_other - consumer_.next;
  }
  [[nodiscard]] const T& at_position(std::size_t position) const noexcept { return slots_[position & mask_]; }
  [[nodiscard]] std::size_t read_position() const noexcept { return consumer_.next; }
  void pop(std::size_t n) noexcept {
    consumer_.next += n;
    consumer_published_.index.store(consumer_.next, std::memory_order_release);
  }

  // Records waiting (exact from either side when the other is idle; a snapshot otherwise).
  [[nodiscard]] std::size_t size() const noexcept {
    return producer_published_.index.load(std::memory_order_acquire) -
           consumer_published_.index.load(std::memory_order_acquire);
  }

 private:
  // What a side publishes, alone on its line: the other side polls it, and a line the
  // owner also wrote for its own bookkeeping would cross between the cores on every record.
  struct alignas(kCacheLine) Published {
    std::atomic<std::size_t> index{0};
  };
  // What only its side reads and writes.
  struct alignas(kCacheLine) Own {
    std::size_t next = 0;          // producer: written up to (staged included); consumer: read up to
    std::size_t published = 0;     // producer: what `Published::index` says
    std::size_t cached_other = 0;  // the other side's published index, as last read
  };
  static_assert(sizeof(Published) == kCacheLine && sizeof(Own) == kCacheLine);

  MappedArray<T> slots_;
  std::size_t mask_;
  Own producer_;
  Published producer_published_;
  Own consumer_;
  Published consumer_published_;
};

}  // namespace tickwire::sched
