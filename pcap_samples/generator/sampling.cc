#include "pcap_samples/generator/sampling.h"

#include "pcap_samples/generator/det_math.h"

namespace tickwire::generator {

namespace {
constexpr double kTwo32 = 4294967296.0;
}

AliasTable::AliasTable(std::span<const double> weights) {
  size_ = weights.size();
  threshold_.assign(size_, 0xFFFFFFFFu);
  alias_.resize(size_);
  double total = 0.0;
  for (double w : weights) total += w;
  std::vector<double> scaled(size_);
  std::vector<std::uint32_t> small, large;
  small.reserve(size_);
  large.reserve(size_);
  for (std::uint64_t i = 0; i < size_; ++i) {
    scaled[i] = weights[i] * static_cast<double>(size_) / total;
    alias_[i] = static_cast<std::uint32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    threshold_[s] = static_cast<std::uint32_t>(scaled[s] * kTwo32);
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left holds probability 1 up to rounding: always keep it.
  for (std::uint32_t i : small) threshold_[i] = 0xFFFFFFFFu, alias_[i] = i;
  for (std::uint32_t i : large) threshold_[i] = 0xFFFFFFFFu, alias_[i] = i;
}

double AliasTable::probability(std::uint32_t i) const noexcept {
  double p = 0.0;
  for (std::uint64_t k = 0; k < size_; ++k) {
    const double keep = threshold_[k] == 0xFFFFFFFFu ? 1.0 : threshold_[k] / kTwo32;
    if (k == i) p += keep;
    if (alias_[k] == i && k != i) p += 1.0 - keep;
  }
  return p / static_cast<double>(size_);
}

QuantileTable build_log_segment_table(std::span<const LogSegment> segments) {
  double total = 0.0;
  for (const LogSegment& s : segments) total += s.probability;
  return QuantileTable::build([&](double u) {
    double below = 0.0;
    for (const LogSegment& s : segments) {
      const double p = s.probability / total;
      if (u < below + p || &s == &segments.back()) {
        const double f = p > 0.0 ? (u - below) / p : 0.0;
        const double clamped = f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
        return s.low * detmath::exp(clamped * detmath::log(s.high / s.low));
      }
      below += p;
    }
    return segments.back().high;
  });
}

}  // namespace tickwire::generator
