// Orders by the time their drawn lifetime ends, for "which order dies next".
//
// Two tiers, because a single heap over a million far-apart deadlines costs a cache miss
// per level on every push and pop. Deadlines more than one slot ahead wait, unsorted, in a
// ring of time slots (each a list of fixed-size chunks, so pouring a slot reads memory in
// order); a slot is poured into a small 4-ary min-heap shortly before its time comes, so
// the heap only holds the near future and stays in cache. Nothing is allocated after
// construction.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace tickwire::generator {

class LifetimeQueue {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  static constexpr std::size_t kSlots = 1u << 12;

  struct Entry {
    std::uint64_t deadline;
    std::uint32_t order;
    std::uint32_t pad;
  };

  // `orders`: the pool size (order indices are below it).
  explicit LifetimeQueue(std::size_t orders);
  // Before the first push: the longest lifetime that matters. The ring spans it, so each
  // deadline is filed once; longer ones are filed again when their slot comes round.
  void set_horizon(std::uint64_t horizon_ns) noexcept { width_ = horizon_ns / (kSlots - 2) + 1; }

  void push(std::uint32_t order, std::uint64_t deadline) noexcept;
  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  // The entry with the earliest deadline (pours slots into the heap as needed); the queue
  // must not be empty.
  [[nodiscard]] const Entry& top() noexcept {
    while (size_ == 0) pour_next_slot();
    return heap_[0];
  }
  void pop() noexcept;
  // The order that will be on top next if no slot is poured before; kNone when unknown.
  [[nodiscard]] std::uint32_t heap_top_order() const noexcept { return size_ > 0 ? heap_[0].order : kNone; }
  // Pours every slot that starts before now + one slot width, so deadlines are in the heap
  // before they are due.
  void advance(std::uint64_t now) noexcept {
    while (cursor_ <= now + width_ && far_count_ > 0) pour_next_slot();
  }

 private:
  static constexpr std::size_t kArity = 4;  // 4 entries of 16 bytes: one cache line
  static constexpr std::size_t kLine = 64;
  // The root sits 3 entries into a line so that the children of any node share one line.
  static constexpr std::size_t kOffset = kLine / sizeof(Entry) - 1;
  static_assert(sizeof(Entry) * kArity == kLine);
  struct Free {
    void operator()(Entry* p) const noexcept { std::free(p); }
  };

  void heap_push(Entry e) noexcept;
  void sift_down(std::size_t i, Entry e) noexcept;
  void pour_next_slot() noexcept;
  void far_push(Entry e) noexcept;

  static constexpr std::uint32_t kChunkEntries = 15;
  struct Chunk {
    Entry entries[kChunkEntries];
    std::uint32_t next;  // older chunk of the same slot
    std::uint32_t count;
    std::uint64_t pad;
  };
  static_assert(sizeof(Chunk) == 256);

  std::uint64_t width_ = 1;   // ns per slot
  std::uint64_t cursor_ = 0;  // start of the next slot to pour; earlier deadlines go to the heap
  bool started_ = false;
  std::size_t count_ = 0;      // heap + ring
  std::size_t far_count_ = 0;  // ring only
  std::vector<std::uint32_t> slot_head_;  // newest chunk of each slot
  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> free_chunks_;
  std::unique_ptr<Entry[], Free> storage_;
  Entry* heap_;
  std::size_t size_ = 0;  // heap entries
};

}  // namespace tickwire::generator
