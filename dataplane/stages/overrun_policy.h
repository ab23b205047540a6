// What a pipeline does when a stage call takes longer than the stage's time budget. Every
// overrun is counted whatever the policy; the others also shed work until calls of the stage
// fit its budget again (a run of them: see StageSlot::calls_to_recover). A decision taken on measured time differs between runs, so each one
// is written to the journal (determinism: DESIGN.md, Time).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tickwire::stages {

enum class OverrunPolicy : std::uint8_t {
  kCount = 0,    // count, change nothing (the default: replay stays bit for bit the same)
  kSkipLow = 1,  // while over budget, low-class messages bypass the stage
  kDegrade = 2,  // while over budget, the stage runs in its cheaper degraded mode
};

inline constexpr std::size_t kOverrunPolicyCount = 3;
inline constexpr std::array<std::string_view, kOverrunPolicyCount> kOverrunPolicyNames = {"count", "skip_low",
                                                                                          "degrade"};

[[nodiscard]] constexpr std::optional<OverrunPolicy> overrun_policy_named(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kOverrunPolicyCount; ++i) {
    if (kOverrunPolicyNames[i] == name) return static_cast<OverrunPolicy>(i);
  }
  return std::nullopt;
}

}  // namespace tickwire::stages
