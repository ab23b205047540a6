// Where within a step of the market model a security's messages fall: securities are spread
// over most of the step so that venues' messages interleave rather than pile on one
// timestamp. The venues stamp their messages with it and the ground truth of halts uses it,
// so the two agree to the nanosecond (before each venue's own delay).
#pragma once

#include <cstdint>

namespace tickwire::generator::venues {

inline constexpr std::uint64_t kStepSpreadNs = 900'000;

[[nodiscard]] constexpr std::uint64_t slot_offset_ns(std::uint32_t security, std::uint32_t securities) noexcept {
  return std::uint64_t{security} * (kStepSpreadNs / securities);
}

}  // namespace tickwire::generator::venues
