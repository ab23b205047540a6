// The priority classes events are scheduled in. Lower value, higher priority: a worker takes
// critical work first and looks at the critical ring again between any two lower-class
// messages.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tickwire::sched {

enum class PriorityClass : std::uint8_t { kCritical = 0, kHigh = 1, kNormal = 2, kLow = 3 };

inline constexpr std::size_t kPriorityClassCount = 4;
inline constexpr std::array<std::string_view, kPriorityClassCount> kPriorityClassNames = {"critical", "high", "normal",
                                                                                          "low"};

[[nodiscard]] constexpr std::size_t index_of(PriorityClass c) noexcept { return static_cast<std::size_t>(c); }

[[nodiscard]] constexpr std::optional<PriorityClass> priority_class_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kPriorityClassCount; ++i) {
    if (kPriorityClassNames[i] == name) return static_cast<PriorityClass>(i);
  }
  return std::nullopt;
}

// The more urgent of two classes.
[[nodiscard]] constexpr PriorityClass most_urgent(PriorityClass a, PriorityClass b) noexcept { return a < b ? a : b; }

}  // namespace tickwire::sched
