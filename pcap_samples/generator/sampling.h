// Table-driven samplers: every per-message draw is a table lookup and integer arithmetic.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "pcap_samples/generator/rng.h"

namespace tickwire::generator {

// Walker/Vose alias table: O(1) draws from a fixed discrete distribution (Zipf symbols,
// message types).
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights);

  [[nodiscard]] std::uint32_t sample(Rng& rng) const noexcept {
    const std::uint64_t r = rng.next();
    const auto i = static_cast<std::uint32_t>(((r >> 32) * size_) >> 32);
    return static_cast<std::uint32_t>(r) < threshold_[i] ? i : alias_[i];
  }
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(size_); }
  // The probability the table gives index i (for tests and reports).
  [[nodiscard]] double probability(std::uint32_t i) const noexcept;

 private:
  std::uint64_t size_ = 0;
  std::vector<std::uint32_t> threshold_;  // keep i when the low 32 bits fall below this
  std::vector<std::uint32_t> alias_;
};

// Inverse-CDF table of a continuous distribution, sampled with linear interpolation
// between kPoints quantiles. Values are unsigned integers in the caller's unit.
class QuantileTable {
 public:
  static constexpr unsigned kBits = 12;
  static constexpr std::uint32_t kPoints = 1u << kBits;

  QuantileTable() = default;
  // quantile(u) for u in [0, 1); the last point uses u = 1 - 1/(2 kPoints) so that an
  // unbounded tail stays finite.
  template <class Quantile>
  static QuantileTable build(Quantile&& quantile) {
    QuantileTable t;
    t.values_.resize(kPoints + 1);
    for (std::uint32_t j = 0; j <= kPoints; ++j) {
      const double u = j == kPoints ? 1.0 - 0.5 / kPoints : static_cast<double>(j) / kPoints;
      const double v = quantile(u);
      t.values_[j] = v <= 0.0 ? 0 : static_cast<std::uint64_t>(v + 0.5);
    }
    return t;
  }

  [[nodiscard]] std::uint64_t sample(Rng& rng) const noexcept {
    const std::uint64_t r = rng.next();
    const std::uint64_t j = r >> (64 - kBits);
    const std::uint64_t frac = (r >> (64 - kBits - kFracBits)) & ((1u << kFracBits) - 1);
    const std::uint64_t lo = values_[j];
    const std::uint64_t hi = values_[j + 1];
    return lo + static_cast<std::uint64_t>((static_cast<unsigned __int128>(hi - lo) * frac) >> kFracBits);
  }
  [[nodiscard]] std::uint64_t at_quantile_point(std::uint32_t j) const noexcept { return values_[j]; }

 private:
  static constexpr unsigned kFracBits = 20;
  std::vector<std::uint64_t> values_;
};

// A distribution given as consecutive segments [bound[i], bound[i+1]) with a probability
// each, log-uniform inside a segment: how order lifetimes are described (see
// scenario_config.h for the figures and their sources).
struct LogSegment {
  double low;
  double high;
  double probability;
};
[[nodiscard]] QuantileTable build_log_segment_table(std::span<const LogSegment> segments);

}  // namespace tickwire::generator
