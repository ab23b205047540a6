#include "dataplane/patterns/templates/pair_spread.h"

#include <cmath>

namespace tickwire::patterns {

namespace {
// Relative to the spread's scale, a variance below this is a flat spread: no z is taken.
constexpr double kFlatVariance = 1e-18;

bool usable(const SecurityState& s) noexcept {
  return s.mid2() != 0 && !s.halted() && !s.any_stale();
}
}  // namespace

SpreadFigures spread_figures(const Moments& m, const PairSpreadParams& p) noexcept {
  SpreadFigures f;
  const double var_a = m.variance_x();
  const double var_b = m.variance_y();
  const double cov = m.covariance();
  f.beta = p.rolling_hedge ? (var_b > 0 ? cov / var_b : p.hedge_ratio) : p.hedge_ratio;
  f.mean = m.mean_x - f.beta * m.mean_y;
  f.variance = var_a - 2 * f.beta * cov + f.beta * f.beta * var_b;
  if (f.variance < 0) f.variance = 0;  // rounding, never a real negative
  return f;
}

PairSpread::PairSpread(std::uint32_t id, std::uint32_t version, const PairSpreadParams& params)
    : PatternInstance(id, version), params_(params), window_(params.window_ns) {}

void PairSpread::on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept {
  if (security_[0] == kNoSecurity || security_[1] == kNoSecurity) return;  // a leg not seen yet
  const SecurityState& a = market[security_[0]];
  const SecurityState& b = market[security_[1]];
  if (!usable(a) || !usable(b)) return;
  const double mid_a = a.mid();
  const double mid_b = b.mid();
  window_.advance(batch.time_ns);
  const Moments m = window_.summary();
  window_.add(batch.time_ns, mid_a, mid_b);
  ++samples_;
  if (m.count < params_.min_samples) return;
  const SpreadFigures f = spread_figures(m, params_);
  const double scale = std::abs(f.mean) + std::abs(mid_a) + 1.0;
  if (f.variance <= kFlatVariance * scale * scale) return;
  const double z = (mid_a - f.beta * mid_b - f.mean) / std::sqrt(f.variance);
  last_z_ = z;
  PatternSignalKind kind;
  if (!diverged_ && std::abs(z) >= params_.entry_z) {
    kind = PatternSignalKind::kDivergence;
    diverged_ = true;
  } else if (diverged_ && std::abs(z) <= params_.exit_z) {
    kind = PatternSignalKind::kConvergence;
    diverged_ = false;
  } else {
    return;
  }
  PatternSignal* s = out.signal(kind);
  if (s == nullptr) return;
  s->legs = 2;
  s->securities = {security_[0], security_[1]};
  s->values[0] = a.mid2();
  s->values[1] = b.mid2();
  s->score = z;
  // The spread is rich: sell A against B; cheap: buy it.
  s->direction = kind == PatternSignalKind::kDivergence ? static_cast<std::int8_t>(z > 0 ? -1 : 1) : 0;
}

void PairSpread::on_day_begins(std::uint16_t) noexcept {
  window_.clear();
  diverged_ = false;
}

}  // namespace tickwire::patterns
