// One writer, several readers, every reader sees every record: how a feed's RX core hands its
// market updates to all pattern threads at once (each record written once, read by each).
//
// Indices are free-running 64-bit counts (never wrapped: at a billion records a second they
// last five centuries), so "how many are unread" is a subtraction even across the ring's end,
// and a slot's position is the count masked by the capacity. The writer publishes its count
// on a line of its own after writing the records; each reader publishes its own count on a
// line of its own after consuming. The writer keeps a cached copy of the slowest reader's
// count and reads the readers' lines only when that copy says the ring is full, so in the
// steady state the lines cross between cores once per publish, not once per record.
//
// The writer never blocks by itself: try_write() says whether there was room, and the
// caller decides (a replay waits for the slowest reader; live, the RX core conflates or
// marks the feed stale and goes on).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dataplane/core/cache.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::patterns {

template <class T>
class BroadcastRing {
  static_assert(std::is_trivially_copyable_v<T>, "records are copied in and out");

 public:
  static constexpr std::size_t kMaxReaders = 16;

  // Room for `capacity` records (rounded up to a power of two) and `readers` readers.
  BroadcastRing(std::size_t capacity, std::size_t readers, bool prefault = false)
      : slots_(std::bit_ceil(std::max<std::size_t>(2, capacity)), prefault),
        mask_(slots_.capacity() - 1),
        readers_(std::min(readers, kMaxReaders)) {}

  [[nodiscard]] bool ok() const noexcept { return slots_.ok() && readers_ != 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }
  [[nodiscard]] std::size_t readers() const noexcept { return readers_; }

  // Writer: the record is written but not yet visible (publish() makes it so); false when
  // the slowest reader has not made room.
  [[nodiscard]] bool try_write(const T& record) noexcept {
    if (TW_UNLIKELY(writer_.next - writer_.slowest >= capacity())) {
      writer_.slowest = slowest_reader();
      if (writer_.next - writer_.slowest >= capacity()) return false;
    }
    slots_[writer_.next & mask_] = record;
    ++writer_.next;
    return true;
  }
  // Writer: records still free to write without asking the readers again, at least.
  [[nodiscard]] std::size_t room() noexcept {
    writer_.slowest = slowest_reader();
    return capacity() - (writer_.next - writer_.slowest);
  }
  void publish() noexcept {
    if (writer_.next == writer_.published) return;
    writer_.published = writer_.next;
    published_.index.store(writer_.next, std::memory_order_release);
  }
  // Writer: nothing more will come (after the last publish()).
  void close() noexcept {
    publish();
    closed_.index.store(1, std::memory_order_release);
  }
  [[nodiscard]] std::uint64_t written() const noexcept { return writer_.next; }

  // Reader `r`: records readable now from its position, the record at a running position
  // (valid until the reader moves past it), its position, and moving on.
  [[nodiscard]] std::uint64_t readable(std::size_t r) noexcept {
    Reader& reader = reader_state_[r];
    if (reader.next == reader.cached_written) {
      reader.cached_written = published_.index.load(std::memory_order_acquire);
    }
    return reader.cached_written - reader.next;
  }
  // The same, always looking at what the writer has published (readable() looks again only
  // once the reader has moved up to what it last saw).
  [[nodiscard]] std::uint64_t refresh(std::size_t r) noexcept {
    Reader& reader = reader_state_[r];
    reader.cached_written = published_.index.load(std::memory_order_acquire);
    return reader.cached_written - reader.next;
  }
  [[nodiscard]] const T& at(std::uint64_t position) const noexcept { return slots_[position & mask_]; }
  [[nodiscard]] std::uint64_t position(std::size_t r) const noexcept { return reader_state_[r].next; }
  void consume(std::size_t r, std::uint64_t n) noexcept {
    Reader& reader = reader_state_[r];
    reader.next += n;
    cursors_[r].index.store(reader.next, std::memory_order_release);
  }
  // Reader: the writer has closed and this reader has read everything.
  [[nodiscard]] bool drained(std::size_t r) noexcept {
    if (closed_.index.load(std::memory_order_acquire) == 0) return false;
    return readable(r) == 0 && published_.index.load(std::memory_order_acquire) == reader_state_[r].next;
  }

 private:
  [[nodiscard]] std::uint64_t slowest_reader() const noexcept {
    std::uint64_t slowest = writer_.next;
    for (std::size_t r = 0; r < readers_; ++r) {
      slowest = std::min(slowest, cursors_[r].index.load(std::memory_order_acquire));
    }
    return slowest;
  }

  struct alignas(kCacheLine) Published {
    std::atomic<std::uint64_t> index{0};
  };
  struct alignas(kCacheLine) Writer {  // the writer's own bookkeeping, never read by readers
    std::uint64_t next = 0;
    std::uint64_t published = 0;
    std::uint64_t slowest = 0;  // cached: no reader is behind this
  };
  struct alignas(kCacheLine) Reader {  // a reader's own bookkeeping, never read by others
    std::uint64_t next = 0;
    std::uint64_t cached_written = 0;
  };
  static_assert(sizeof(Published) == kCacheLine && sizeof(Writer) == kCacheLine && sizeof(Reader) == kCacheLine);

  MappedArray<T> slots_;
  std::size_t mask_;
  std::size_t readers_;
  Writer writer_;
  Published published_;
  Published closed_;
  std::array<Published, kMaxReaders> cursors_{};
  std::array<Reader, kMaxReaders> reader_state_{};
};

}  // namespace tickwire::patterns
