// Shared by the fuzz targets: a sink that reads every field of every message (so a read
// past the message is an ASan report), and memory-backed files for the file readers.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "dataplane/core/wire_field.h"
#include "dataplane/feed/message_context.h"

namespace tickwire::fuzz {

struct ReadEverythingSink {
  std::uint64_t sum = 0;
  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    sum += ctx.sequence;
    m.for_each_field([this](std::string_view, const auto& f) {
      if constexpr (wire::kIsAlpha<std::decay_t<decltype(f)>>) {
        for (char c : f.trimmed()) sum += static_cast<unsigned char>(c);
      } else {
        sum += f.value();
      }
    });
  }
};

// A file in memory with a path the readers can open.
class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(memfd_create("tickwire-fuzz", 0)) {
    for (std::size_t done = 0; fd_ >= 0 && done < size;) {
      const ssize_t n = write(fd_, data + done, size - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  [[nodiscard]] std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace tickwire::fuzz
