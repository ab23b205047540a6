#include "pcap_samples/generator/lifetime_queue.h"

namespace tickwire::generator {

namespace {
constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept { return (n + to - 1) / to * to; }
}  // namespace

LifetimeQueue::LifetimeQueue(std::size_t orders)
    : slot_head_(kSlots, kNone),
      // Every slot may hold one partly filled chunk besides the full ones.
      chunks_(orders / kChunkEntries + kSlots + 2),
      storage_(static_cast<Entry*>(std::aligned_alloc(kLine, round_up((orders + kOffset) * sizeof(Entry), kLine)))),
      heap_(storage_.get() + kOffset) {
  free_chunks_.reserve(chunks_.size());
  for (std::size_t i = chunks_.size(); i > 0; --i) free_chunks_.push_back(static_cast<std::uint32_t>(i - 1));
}

void LifetimeQueue::push(std::uint32_t order, std::uint64_t deadline) noexcept {
  if (!started_) {
    started_ = true;
    cursor_ = deadline / width_ * width_;
  }
  ++count_;
  if (deadline < cursor_) {
    heap_push({deadline, order, 0});
  } else {
    far_push({deadline, order, 0});
  }
}

void LifetimeQueue::far_push(Entry e) noexcept {
  // Beyond the ring's span the entry waits in the last slot and is re-filed when poured.
  const std::uint64_t latest = cursor_ + (kSlots - 1) * width_;
  const std::uint64_t filed = e.deadline < latest ? e.deadline : latest;
  const std::size_t slot = (filed / width_) & (kSlots - 1);
  std::uint32_t c = slot_head_[slot];
  if (c == kNone || chunks_[c].count == kChunkEntries) {
    const std::uint32_t fresh = free_chunks_.back();
    free_chunks_.pop_back();
    chunks_[fresh].next = c;
    chunks_[fresh].count = 0;
    slot_head_[slot] = fresh;
    c = fresh;
  }
  Chunk& chunk = chunks_[c];
  chunk.entries[chunk.count++] = e;
  ++far_count_;
}

void LifetimeQueue::pour_next_slot() noexcept {
  const std::size_t slot = (cursor_ / width_) & (kSlots - 1);
  std::uint32_t c = slot_head_[slot];
  slot_head_[slot] = kNone;  // re-filed entries may land in this same slot: a new list
  const std::uint64_t slot_end = cursor_ + width_;
  cursor_ = slot_end;
  while (c != kNone) {
    const Chunk& chunk = chunks_[c];
    for (std::uint32_t i = 0; i < chunk.count; ++i) {
      --far_count_;
      if (chunk.entries[i].deadline < slot_end) {
        heap_push(chunk.entries[i]);
      } else {
        far_push(chunk.entries[i]);
      }
    }
    const std::uint32_t next = chunk.next;
    free_chunks_.push_back(c);
    c = next;
  }
}

void LifetimeQueue::pop() noexcept {
  --count_;
  const Entry last = heap_[--size_];
  if (size_ == 0) return;
  sift_down(0, last);
}

void LifetimeQueue::heap_push(Entry e) noexcept {
  std::size_t i = size_++;
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!(e.deadline < heap_[parent].deadline)) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void LifetimeQueue::sift_down(std::size_t i, Entry e) noexcept {
  const std::size_t n = size_;
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (heap_[c].deadline < heap_[best].deadline) best = c;
    }
    if (!(heap_[best].deadline < e.deadline)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

}  // namespace tickwire::generator
