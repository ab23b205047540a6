#include "controlplane/session/outbox.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

namespace tickwire::session {

namespace {
// How long a waiting producer sleeps between looks: the control thread writes a chunk in
// far less than a millisecond, so this is short next to any disk.
constexpr auto kWaitStep = std::chrono::microseconds(50);
}  // namespace

Outbox::Outbox(std::size_t chunks, WhenFull when_full)
    : lengths_(chunks, 0), ready_(chunks), free_(chunks), when_full_(when_full) {
  for (std::size_t i = 0; i < chunks; ++i) {
    chunks_.push_back(std::make_unique<char[]>(kChunkBytes));
    // Touched now, not on the first write of a live session.
    std::memset(chunks_.back().get(), 0, kChunkBytes);
    if (!free_.try_push(static_cast<std::uint32_t>(i))) return;
  }
  cookie_io_functions_t io{};
  io.write = [](void* self, const char* data, std::size_t size) -> ssize_t {
    static_cast<Outbox*>(self)->write(data, size);
    return static_cast<ssize_t>(size);
  };
  file_ = fopencookie(this, "w", io);
  if (file_ != nullptr) std::setvbuf(file_, nullptr, _IONBF, 0);
}

Outbox::~Outbox() {
  if (file_ != nullptr) std::fclose(file_);
}

bool Outbox::take_free_chunk() noexcept {
  for (;;) {
    if (const std::uint32_t* chunk = free_.front()) {
      current_ = *chunk;
      free_.pop();
      lengths_[current_] = 0;
      holding_ = true;
      return true;
    }
    if (when_full_ == WhenFull::kDrop) return false;
    std::this_thread::sleep_for(kWaitStep);
  }
}

void Outbox::hand_over() noexcept {
  if (!holding_ || lengths_[current_] == 0) return;
  // There is always room: the ring holds every chunk.
  (void)ready_.try_push(current_);
  holding_ = false;
}

void Outbox::write(const char* data, std::size_t size) noexcept {
  while (size != 0) {
    if (holding_ && lengths_[current_] == kChunkBytes) hand_over();
    // A write that does not fit the chunk in hand starts a fresh one, so a write (a run of
    // whole lines) is dropped whole or not at all.
    if (holding_ && lengths_[current_] + std::min(size, kChunkBytes) > kChunkBytes) hand_over();
    if (!holding_ && !take_free_chunk()) {
      dropped_bytes_.fetch_add(size, std::memory_order_relaxed);
      return;
    }
    const std::size_t n = std::min(size, kChunkBytes - lengths_[current_]);
    std::memcpy(chunks_[current_].get() + lengths_[current_], data, n);
    lengths_[current_] += n;
    data += n;
    size -= n;
  }
}

void Outbox::flush() noexcept { hand_over(); }

void Outbox::close() noexcept {
  hand_over();
  closed_.store(true, std::memory_order_release);
}

std::size_t Outbox::drain(std::FILE* to) noexcept {
  std::size_t bytes = 0;
  while (const std::uint32_t* chunk = ready_.front()) {
    const std::uint32_t i = *chunk;
    ready_.pop();
    if (to != nullptr && std::fwrite(chunks_[i].get(), 1, lengths_[i], to) != lengths_[i]) write_failed_ = true;
    bytes += lengths_[i];
    (void)free_.try_push(i);
  }
  if (bytes != 0 && to != nullptr) std::fflush(to);
  return bytes;
}

bool Outbox::finished() noexcept {
  if (!closed_.load(std::memory_order_acquire)) return false;
  return ready_.front() == nullptr;
}

}  // namespace tickwire::session
