// What a configuration will reserve, by part, before anything is built beyond the books:
// start-up compares it with the memory budget and refuses, naming the keys to change, rather
// than fail (or swap) mid-session. Figures are the sizes the pools and rings are built with.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "controlplane/config/app_config.h"

namespace tickwire::runtime {

struct MemoryPlan {
  std::vector<std::pair<std::string, std::uint64_t>> parts;  // name (the keys that size it), bytes
  [[nodiscard]] std::uint64_t total() const noexcept;
  // "1234 MiB (books 1100 MiB, worker rings 120 MiB, ...)".
  [[nodiscard]] std::string describe() const;
};

// `book_bytes`: what the book store reserved for this configuration.
[[nodiscard]] MemoryPlan plan_memory(const config::AppConfig& config, std::uint64_t book_bytes);
// The pattern layer's share (empty without [pattern.NAME] tables), for `feeds` feeds.
[[nodiscard]] MemoryPlan plan_pattern_memory(const config::AppConfig& config, std::size_t feeds);

}  // namespace tickwire::runtime
