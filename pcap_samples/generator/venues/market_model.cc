#include "pcap_samples/generator/venues/market_model.h"

#include <algorithm>
#include <cmath>

#include "pcap_samples/generator/det_math.h"
#include "pcap_samples/generator/venues/volatility_plan.h"

namespace tickwire::generator::venues {

namespace {

constexpr double kBps = 1e-4;
// sqrt of one step in seconds (0.001): a volatility per sqrt(second) times this is the
// standard deviation of one step's move.
constexpr double kSqrtStep = 0.031622776601683794;

// Volatilities per sqrt(second), in return units: about 1.5% a day for a typical security
// (a day has 23,400 seconds); the correlated group's sector moves three times as much, so
// that its common moves stand well above the rounding of its quotes to the tick.
constexpr double kMarketVol = 1 * kBps;
constexpr double kSectorVol = 1 * kBps;
constexpr double kGroupSectorVol = 3 * kBps;
constexpr double kOwnVol = 1 * kBps;
constexpr double kGroupOwnVol = 0.3 * kBps;
constexpr double kFollowerOwnVol = 0.5 * kBps;
constexpr double kDecoupledVol = 3 * kBps;  // a group member during a correlation break

// Mean-reverting noise: a pair's B around its A, the ETF around its basket (stationary
// deviation and reversion time in steps), and each venue's bias around the fair value (ticks).
constexpr double kTwinSd = 2 * kBps;
constexpr double kTwinSteps = 1000;
constexpr double kBiasSd = 0.15;
constexpr double kBiasSteps = 500;
constexpr double kSqrtTwoOverTwinSteps = 0.044721359549995794;  // sqrt(2 / 1000)
constexpr double kSqrtTwoOverBiasSteps = 0.063245553203367587;  // sqrt(2 / 500)

// Reference prices, dollars: log-uniform; the correlated group trades higher (its ticks
// are small beside its moves, so the correlation shows).
constexpr double kDollarLow = 20, kDollarHigh = 300;
constexpr double kGroupDollarLow = 150, kGroupDollarHigh = 400;
constexpr std::int64_t kPrice4PerDollar = 10'000;
constexpr std::int64_t kPrice4PerCent = 100;

// Episodes: the first part of the flow is left alone (windows and norms fill), the rest
// is cut in one slot per episode; sizes in bps.
constexpr double kWarmupShare = 0.3;
constexpr double kDivergenceBps = 40, kLeaderJumpBps = 35, kPremiumBps = 40;
constexpr double kDislocationTicks = 4;
constexpr std::uint64_t kRampNs = 100'000'000;
constexpr std::uint64_t kDivergenceNs = 4'000'000'000, kBreakNs = 12'000'000'000, kPremiumNs = 4'000'000'000,
                        kDislocationNs = 300'000'000;

constexpr std::int64_t kEtfDollars = 100;

double log_uniform(Rng& rng, double low, double high) {
  return low * detmath::exp(rng.unit() * detmath::log(high / low));
}

std::int64_t cents(double dollars) { return static_cast<std::int64_t>(dollars * 100.0 + 0.5) * kPrice4PerCent; }

}  // namespace

std::string MarketModel::check(const ModelConfig& config) {
  if (config.symbols.size() < kMinSymbols) {
    return "a multi-venue scenario needs at least " + std::to_string(kMinSymbols) + " symbols";
  }
  if (config.venues < 1) return "a scenario needs a venue";
  const std::uint64_t episodes = std::uint64_t{config.episodes_per_kind} * kEpisodeKinds;
  const double rest = static_cast<double>(config.flow_ns) * (1 - kWarmupShare);
  if (episodes != 0 && rest / static_cast<double>(episodes) < 4e9) {
    return "the flow is too short for its episodes: each needs 4 s after the first 30% (raise --seconds or lower "
           "--episodes)";
  }
  if (config.flow_ns < 10 * kStepNs) return "the flow is too short";
  if (!(config.episode_size > 0 && config.episode_size <= 10)) return "--episode-size: must be above 0 and at most 10";
  return {};
}

MarketModel::MarketModel(const ModelConfig& config)
    : config_(config), noise_rng_(config.seed, static_cast<Stream>(11)), flow_rng_(config.seed, Stream::kFlow) {
  Rng setup(config.seed, static_cast<Stream>(10));
  const std::size_t n = config.symbols.size();
  securities_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    securities_[i].symbol = config.symbols[i];
    securities_[i].reference = cents(log_uniform(setup, kDollarLow, kDollarHigh));
    securities_[i].beta = 0.7 + 0.6 * setup.unit();
    securities_[i].sector = static_cast<std::uint32_t>(i % kSectors);
    securities_[i].noise_sd = kOwnVol * kSqrtStep;
  }
  assign_roles(setup);
  build_basket();
  plan_episodes(setup);
  own_.assign(n, 0);
  twin_.assign(n, 0);
  fair_.assign(n, 0);
  bias_.assign(std::size_t{config.venues} * n, 0);
  offset_now_.assign(n, 0);
  decoupled_now_.assign(n, 0);
  dislocation_now_.assign(std::size_t{config.venues} * n, 0);
  leader_history_.assign(kLeaderLagNs / kStepNs, 0);
  for (std::size_t i = 0; i < n; ++i) fair_[i] = static_cast<double>(securities_[i].reference);
}

void MarketModel::assign_roles(Rng& rng) {
  const auto n = static_cast<std::uint32_t>(securities_.size());
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  for (std::uint32_t k = n; k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
  std::uint32_t next = 0;
  for (std::uint32_t p = 0; p < kPairs; ++p) {
    ModelSecurity& a = securities_[order[next++]];
    ModelSecurity& b = securities_[order[next++]];
    a.role = Role::kPairA;
    a.luld_tier = 1;
    b.role = Role::kPairB;
    b.partner = order[next - 2];
    b.sector = a.sector;
    b.beta = a.beta;
    b.loading = a.loading;
    b.noise_sd = 0;
    b.luld_tier = 1;
  }
  for (std::uint32_t g = 0; g < kGroupSize; ++g) {
    ModelSecurity& s = securities_[order[next++]];
    s.role = Role::kGroup;
    s.sector = kGroupSector;
    s.beta = 1.0;
    s.loading = 1.0;
    s.noise_sd = kGroupOwnVol * kSqrtStep;
    s.reference = cents(log_uniform(rng, kGroupDollarLow, kGroupDollarHigh));
    s.luld_tier = 1;
  }
  leader_ = order[next++];
  securities_[leader_].role = Role::kLeader;
  securities_[leader_].sector = 0;
  securities_[leader_].luld_tier = 1;
  for (std::uint32_t f = 0; f < kFollowers; ++f) {
    ModelSecurity& s = securities_[order[next++]];
    s.role = Role::kFollower;
    s.partner = leader_;
    s.sector = 0;
    s.noise_sd = kFollowerOwnVol * kSqrtStep;
  }
  basket_.etf = order[next++];
  ModelSecurity& etf = securities_[basket_.etf];
  etf.role = Role::kEtf;
  etf.reference = kEtfDollars * kPrice4PerDollar;
  etf.noise_sd = 0;
  etf.luld_tier = 1;
  for (std::uint32_t c = 0; c < kComponents; ++c) {
    const std::uint32_t i = order[next++];
    securities_[i].role = Role::kComponent;
    basket_.shares.emplace_back(i, 0);
  }
}

void MarketModel::build_basket() {
  // Equal value weights at the reference prices, whole shares; the cash makes the unit
  // worth exactly creation_unit ETF shares at the ETF's reference price.
  const std::int64_t unit_value = securities_[basket_.etf].reference * basket_.creation_unit;
  const std::int64_t per_component = unit_value / static_cast<std::int64_t>(basket_.shares.size());
  std::int64_t held = 0;
  for (auto& [i, shares] : basket_.shares) {
    shares = std::max<std::int64_t>(1, per_component / securities_[i].reference);
    held += shares * securities_[i].reference;
  }
  basket_.cash = unit_value - held;
}

void MarketModel::plan_episodes(Rng& rng) {
  const std::uint64_t per_kind = config_.episodes_per_kind;
  const std::uint64_t count = per_kind * kEpisodeKinds;
  if (count == 0) return;
  const auto warmup = static_cast<std::uint64_t>(static_cast<double>(config_.flow_ns) * kWarmupShare);
  const std::uint64_t slot = (config_.flow_ns - warmup) / count;
  const std::vector<std::uint32_t> pairs_a = of_role(Role::kPairA);
  const std::vector<std::uint32_t> group = of_role(Role::kGroup);
  const std::vector<std::uint32_t> followers = of_role(Role::kFollower);
  std::vector<std::uint32_t> background = of_role(Role::kBackground);
  for (std::uint64_t round = 0; round < per_kind; ++round) {
    std::array<EpisodeKind, kEpisodeKinds> kinds{};
    for (std::size_t k = 0; k < kEpisodeKinds; ++k) kinds[k] = static_cast<EpisodeKind>(k);
    for (std::size_t k = kEpisodeKinds; k > 1; --k) std::swap(kinds[k - 1], kinds[rng.below(k)]);
    for (std::size_t k = 0; k < kEpisodeKinds; ++k) {
      Episode e;
      e.kind = kinds[k];
      const std::uint64_t slot_start = config_.flow_start_ns + warmup + (round * kEpisodeKinds + k) * slot;
      e.start_ns = slot_start + slot / 10;
      const double sign = (rng.next() & 1) != 0 ? 1.0 : -1.0;
      switch (e.kind) {
        case EpisodeKind::kPairDivergence: {
          const std::uint32_t a = pairs_a[round % pairs_a.size()];
          std::uint32_t b = 0;
          for (std::uint32_t i = 0; i < securities_.size(); ++i) {
            if (securities_[i].role == Role::kPairB && securities_[i].partner == a) b = i;
          }
          e.securities = {a, b};
          e.size_bps = sign * kDivergenceBps * config_.episode_size;
          e.end_ns = e.start_ns + std::min(kDivergenceNs, slot * 4 / 10);
          break;
        }
        case EpisodeKind::kCorrelationBreak:
          e.securities = {group[round % group.size()]};
          e.end_ns = e.start_ns + std::min(kBreakNs, slot * 6 / 10);
          break;
        case EpisodeKind::kLeaderJump:
          e.securities = {leader_};
          e.securities.insert(e.securities.end(), followers.begin(), followers.end());
          e.size_bps = sign * kLeaderJumpBps * config_.episode_size;
          e.end_ns = e.start_ns + kLeaderLagNs;
          break;
        case EpisodeKind::kBasketPremium:
          e.securities = {basket_.etf};
          e.size_bps = sign * kPremiumBps * config_.episode_size;
          e.end_ns = e.start_ns + std::min(kPremiumNs, slot * 4 / 10);
          break;
        case EpisodeKind::kDislocation: {
          const std::uint32_t i = background[rng.below(background.size())];
          e.securities = {i};
          e.venue = static_cast<int>(rng.below(config_.venues));
          e.size_bps = sign * kDislocationTicks * config_.episode_size * static_cast<double>(securities_[i].tick) /
                       static_cast<double>(securities_[i].reference) / kBps;
          e.end_ns = e.start_ns + std::min(kDislocationNs, slot * 2 / 10);
          break;
        }
      }
      episodes_.push_back(std::move(e));
    }
  }
}

std::vector<std::uint32_t> MarketModel::of_role(Role role) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < securities_.size(); ++i) {
    if (securities_[i].role == role) out.push_back(i);
  }
  return out;
}

double MarketModel::normal() noexcept {
  // Irwin-Hall of four uniforms, scaled to unit variance: bounded tails (+-3.46), which is
  // what a scenario wants (no accidental 8-sigma move mistaken for an episode).
  const double sum = noise_rng_.unit() + noise_rng_.unit() + noise_rng_.unit() + noise_rng_.unit();
  return (sum - 2.0) * 1.7320508075688772;
}

// What the episodes do at time t, into per-security (and per-venue) arrays the step reads:
// O(episodes) a step, whatever the number of securities.
void MarketModel::apply_episodes(std::uint64_t t) noexcept {
  const std::size_t n = securities_.size();
  for (const Episode& e : episodes_) {
    for (const std::uint32_t i : e.securities) {
      offset_now_[i] = 0;
      decoupled_now_[i] = 0;
      for (std::uint32_t v = 0; v < config_.venues; ++v) dislocation_now_[v * n + i] = 0;
    }
  }
  for (const Episode& e : episodes_) {
    switch (e.kind) {
      case EpisodeKind::kPairDivergence:
      case EpisodeKind::kBasketPremium: {
        if (t < e.start_ns || t >= e.end_ns + kRampNs) break;
        const std::uint32_t target = e.kind == EpisodeKind::kPairDivergence ? e.securities[1] : e.securities[0];
        // Ramps in over kRampNs, holds, ramps out after the end.
        double share = 1.0;
        if (t < e.start_ns + kRampNs) share = static_cast<double>(t - e.start_ns) / static_cast<double>(kRampNs);
        if (t >= e.end_ns) share = 1.0 - static_cast<double>(t - e.end_ns) / static_cast<double>(kRampNs);
        offset_now_[target] += share * e.size_bps * kBps;
        break;
      }
      case EpisodeKind::kCorrelationBreak:
        if (t >= e.start_ns && t < e.end_ns) decoupled_now_[e.securities[0]] = 1;
        break;
      case EpisodeKind::kDislocation:
        if (t >= e.start_ns && t < e.end_ns) {
          dislocation_now_[static_cast<std::size_t>(e.venue) * n + e.securities[0]] +=
              (e.size_bps > 0 ? kDislocationTicks : -kDislocationTicks) * config_.episode_size;
        }
        break;
      case EpisodeKind::kLeaderJump:
        break;  // a step of the leader's own walk (step())
    }
  }
}

void MarketModel::step(std::uint64_t k) {
  const std::uint64_t t = time_of(k);
  apply_episodes(t);
  if (volatility_ != nullptr) volatility_->apply(t, offset_now_);
  market_ += kMarketVol * kSqrtStep * normal();
  std::array<double, kSectors> sector_move{};
  for (std::size_t k = 0; k < kSectors; ++k) {
    sector_move[k] = (k == kGroupSector ? kGroupSectorVol : kSectorVol) * kSqrtStep * normal();
    sector_[k] += sector_move[k];
  }
  const std::size_t n = securities_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const ModelSecurity& s = securities_[i];
    const bool off_sector = decoupled_now_[i] != 0;
    const double sd = off_sector ? kDecoupledVol * config_.episode_size * kSqrtStep : s.noise_sd;
    if (sd != 0) own_[i] += sd * normal();
    // A decoupled member's own walk takes back (its share of) its sector's moves: its price
    // goes its own way from where it was, without a jump when the break starts or ends.
    if (off_sector) own_[i] -= std::min(1.0, config_.episode_size) * s.loading * sector_move[s.sector];
    if (s.role == Role::kPairB || s.role == Role::kEtf) {
      twin_[i] = twin_[i] * (1.0 - 1.0 / kTwinSteps) + kTwinSd * kSqrtTwoOverTwinSteps * normal();
    }
  }
  for (const Episode& e : episodes_) {
    if (e.kind == EpisodeKind::kLeaderJump && e.start_ns <= t && t < e.start_ns + kStepNs) {
      own_[leader_] += e.size_bps * kBps;
    }
  }
  // The followers see the leader's own moves one lag late.
  const std::size_t slot = k % leader_history_.size();
  const double lagged_leader = leader_history_[slot];
  leader_history_[slot] = own_[leader_];

  for (std::size_t i = 0; i < n; ++i) {
    const ModelSecurity& s = securities_[i];
    if (s.role == Role::kEtf) continue;
    double r = s.beta * market_ + s.loading * sector_[s.sector] + own_[i];
    if (s.role == Role::kPairB) r += own_[s.partner] + twin_[i];
    if (s.role == Role::kFollower) r += lagged_leader;
    r += offset_now_[i];
    fair_[i] = static_cast<double>(s.reference) * (1.0 + r);
  }
  double basket = static_cast<double>(basket_.cash);
  for (const auto& [i, shares] : basket_.shares) basket += static_cast<double>(shares) * fair_[i];
  const std::uint32_t etf = basket_.etf;
  fair_[etf] = basket / static_cast<double>(basket_.creation_unit) * (1.0 + twin_[etf] + offset_now_[etf]);

  for (double& b : bias_) b = b * (1.0 - 1.0 / kBiasSteps) + kBiasSd * kSqrtTwoOverBiasSteps * normal();
}

double MarketModel::quote_centre(std::uint32_t venue, std::uint32_t i) const noexcept {
  const std::size_t at = std::size_t{venue} * securities_.size() + i;
  return fair_[i] / static_cast<double>(securities_[i].tick) + bias_[at] + dislocation_now_[at];
}

}  // namespace tickwire::generator::venues
