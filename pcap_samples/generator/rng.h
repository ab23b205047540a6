// The generator's own pseudo-random numbers: xoshiro256** seeded through splitmix64.
//
// std:: engines are portable but std:: distributions are not (libstdc++ and libc++ draw
// differently), and std::random_device is not reproducible at all. Every draw here is
// integer arithmetic, so one seed gives one stream on every compiler and CPU.
#pragma once

#include <cstdint>

namespace tickwire::generator {

// One step of splitmix64: a good 64-bit mix, used to expand seeds and derive sub-streams.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Independent streams of one scenario: faults and lines draw from their own streams so
// that turning an injection on never changes the market data itself.
enum class Stream : std::uint64_t {
  kSymbols = 1,
  kFlow = 2,
  kSchedule = 3,  // halts, anomalies, bursts placed in time
  kLineA = 4,
  kLineB = 5,
};

class Rng {
 public:
  Rng() noexcept : Rng(0, Stream::kFlow) {}
  Rng(std::uint64_t seed, Stream stream) noexcept {
    std::uint64_t s = seed ^ (static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ull);
    for (auto& w : s_) w = splitmix64(s);
  }

  [[nodiscard]] std::uint64_t next() noexcept {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) without modulo bias worth caring about (Lemire's multiply-shift).
  [[nodiscard]] std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi], inclusive.
  [[nodiscard]] std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept {
    return lo + below(hi - lo + 1);
  }
  // True with probability p / 2^32.
  [[nodiscard]] bool chance32(std::uint32_t p) noexcept { return (next() >> 32) < p; }
  // Uniform in [0, 1) with 53 bits: exact in double arithmetic, so still portable.
  [[nodiscard]] double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// A probability as a 32-bit threshold for Rng::chance32 (p in [0, 1]).
[[nodiscard]] constexpr std::uint32_t probability32(double p) noexcept {
  if (p <= 0.0) return 0;
  if (p >= 1.0) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(p * 4294967296.0);
}

}  // namespace tickwire::generator
