// Text on its way from a thread that must not wait on I/O (the merge thread writing the
// journal; an inline RX core) to the control thread, which writes it to its file or terminal.
// The producer fills fixed chunks and hands each over whole through a ring; the control
// thread writes them and hands them back through another. Nothing is allocated after
// construction, and a slow disk or a terminal nobody reads never blocks the producer live:
// when no chunk is free, a replay waits (every line matters and nothing is timed) and a live
// session drops the write and counts its bytes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "dataplane/sched/spsc_ring.h"

namespace tickwire::session {

class Outbox {
 public:
  enum class WhenFull : std::uint8_t { kWait, kDrop };
  static constexpr std::size_t kChunkBytes = 256 * 1024;

  Outbox(std::size_t chunks, WhenFull when_full);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  [[nodiscard]] bool ok() const noexcept { return file_ != nullptr && ready_.ok() && free_.ok(); }

  // Producer. Writes through file() land here (it is unbuffered: the writer batches).
  [[nodiscard]] std::FILE* file() const noexcept { return file_; }
  void write(const char* data, std::size_t size) noexcept;
  void flush() noexcept;  // what the current chunk holds goes out now
  void close() noexcept;  // flush; nothing more comes
  [[nodiscard]] std::uint64_t dropped_bytes() const noexcept { return dropped_bytes_.load(std::memory_order_relaxed); }

  // Consumer (the control thread). Writes every chunk handed over to `to`; returns the bytes
  // written. False from write_failed() once a write fell short.
  std::size_t drain(std::FILE* to) noexcept;
  // Chunks are waiting to be written.
  [[nodiscard]] bool pending() noexcept { return ready_.front() != nullptr; }
  // Closed, and every chunk written.
  [[nodiscard]] bool finished() noexcept;
  [[nodiscard]] bool write_failed() const noexcept { return write_failed_; }

 private:
  bool take_free_chunk() noexcept;
  void hand_over() noexcept;

  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::size_t> lengths_;  // each chunk's bytes, set before it is handed over
  sched::SpscRing<std::uint32_t> ready_;  // producer -> consumer
  sched::SpscRing<std::uint32_t> free_;   // consumer -> producer
  WhenFull when_full_;
  std::FILE* file_ = nullptr;
  // Producer's.
  std::uint32_t current_ = 0;
  bool holding_ = false;
  std::atomic<std::uint64_t> dropped_bytes_{0};
  std::atomic<bool> closed_{false};
  // Consumer's.
  bool write_failed_ = false;
};

}  // namespace tickwire::session
