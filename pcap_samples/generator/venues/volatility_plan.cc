#include "pcap_samples/generator/venues/volatility_plan.h"

#include <algorithm>

#include "pcap_samples/generator/rng.h"

namespace tickwire::generator::venues {

namespace {

// Moves at --episode-size 1, percent. The shock stays inside a tier-2 security's 10% LULD
// band; the crash and the decline go through a tier-1 security's 5% but not a tier-2's, and
// the decline through the market-wide breaker's first level (7%).
constexpr double kShockPercent = 8;
constexpr double kCrashPercent = -8;
constexpr double kDeclinePercent = -8;
constexpr std::uint64_t kShockNs = 5 * kNanosPerMilli;
// After a crash or a decline the market takes back this share of the fall: small enough that
// the way back stays inside the bands set at the resumption (a quarter of 8% is 2.2% of the
// price it resumes at; a tier-1 band is 5%).
constexpr double kRecoveredShare = 0.25;
// Between the last resumption a move can cause and the start of its recovery.
constexpr std::uint64_t kSettleNs = 500 * kNanosPerMilli;

constexpr double kPercent = 0.01;
// scenario.toml's storm breaker trips half way between the usual rate and the burst's and
// clears at half its trip: below a factor of 4 that clear would sit too near the usual rate
// for the breaker to close reliably after the burst.
constexpr double kMinBurstFactor = 4, kMaxBurstFactor = 20;
constexpr std::uint64_t kMaxHaltNs = 3600 * kNanosPerSecond;

constexpr auto kVolatilityStream = static_cast<Stream>(30);

// The share of an episode's move in force at t: ramps in, holds, and, where it recovers,
// gives back kRecoveredShare of it. The step at the start already moves, so the first
// abnormal message comes within a step of start_ns.
double share_at(const VolatilityEpisode& e, std::uint64_t t) noexcept {
  if (t < e.start_ns) return 0;
  if (t < e.move_end_ns) {
    return std::min(1.0, static_cast<double>(t - e.start_ns + kStepNs) / static_cast<double>(e.move_end_ns - e.start_ns));
  }
  if (e.recovery_start_ns == 0 || t < e.recovery_start_ns) return 1;
  if (t < e.recovery_end_ns) {
    return 1 - kRecoveredShare * static_cast<double>(t - e.recovery_start_ns) /
                   static_cast<double>(e.recovery_end_ns - e.recovery_start_ns);
  }
  return 1 - kRecoveredShare;
}

std::vector<std::uint32_t> etf_if_priced_off(const MarketModel& model, const std::vector<std::uint32_t>& moved) {
  for (const auto& [component, shares] : model.basket().shares) {
    if (std::find(moved.begin(), moved.end(), component) != moved.end()) return {model.basket().etf};
  }
  return {};
}

}  // namespace

std::uint64_t VolatilityPlan::flow_needed_ns(const VolatilitySettings& s) {
  if (!s.episodes) return 0;
  const std::uint64_t burst = s.burst_after_open_ns + s.burst_ns;
  const std::uint64_t shock = kShockNs + s.pause_ns;
  const std::uint64_t crash = s.crash_ns + s.pause_ns + kSettleNs + s.recovery_ns;
  const std::uint64_t decline = s.decline_ns + std::max(s.pause_ns, s.halt_ns) + kSettleNs + s.recovery_ns;
  return burst + shock + crash + decline + 4 * s.calm_gap_ns;
}

std::string VolatilityPlan::check(const VolatilitySettings& s, std::uint64_t flow_ns) {
  if (!(s.burst_factor >= kMinBurstFactor && s.burst_factor <= kMaxBurstFactor)) {
    return "--burst-factor: must be 4 to 20 (scenario.toml's storm breaker clears at half its trip)";
  }
  if (s.pause_ns < kStepNs || s.pause_ns > kMaxHaltNs) return "--pause-seconds: must be 0.001 to 3600";
  if (s.halt_ns < kStepNs || s.halt_ns > kMaxHaltNs) return "--halt-seconds: must be 0.001 to 3600";
  if (s.burst_ns < kStepNs || s.crash_ns < kStepNs || s.decline_ns < kStepNs || s.recovery_ns < kStepNs) {
    return "a volatility episode shorter than a step of the model (1 ms)";
  }
  const std::uint64_t needed = flow_needed_ns(s);
  if (flow_ns < needed) {
    return "the flow is too short for the volatility episodes: they need " +
           std::to_string((needed + kNanosPerSecond - 1) / kNanosPerSecond) + " s (raise --seconds)";
  }
  return {};
}

VolatilityPlan::VolatilityPlan(const VolatilitySettings& settings, const MarketModel& model,
                               std::uint64_t flow_start_ns, std::uint64_t seed)
    : settings_(settings) {
  if (!settings.episodes) return;
  Rng rng(seed, kVolatilityStream);
  const auto& sec = model.securities();
  const auto n = static_cast<std::uint32_t>(sec.size());
  std::vector<std::uint32_t> all(n);
  for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
  std::vector<std::uint32_t> priced(all);  // all but the ETF, which follows its basket
  std::erase(priced, model.basket().etf);

  VolatilityEpisode burst;
  burst.kind = VolatilityKind::kOpenBurst;
  burst.start_ns = flow_start_ns + settings.burst_after_open_ns;
  burst.move_end_ns = burst.start_ns + settings.burst_ns;
  burst.reserved_until_ns = burst.move_end_ns;
  episodes_.push_back(burst);

  // A sector with securities of both LULD tiers, so that at the default size some pause and
  // some only fall.
  std::vector<int> mixed;
  for (std::uint32_t k = 0; k < MarketModel::kSectors; ++k) {
    bool tier1 = false, tier2 = false;
    for (const std::uint32_t i : priced) {
      if (sec[i].sector != k) continue;
      (sec[i].luld_tier == 1 ? tier1 : tier2) = true;
    }
    if (tier1 && tier2) mixed.push_back(static_cast<int>(k));
  }
  const int crash_sector = mixed.empty() ? 0 : mixed[rng.below(mixed.size())];

  // A background security (its move reaches no basket and no partner) outside the crash's
  // sector, so that the two moves do not add up before the decline.
  std::vector<std::uint32_t> background = model.of_role(Role::kBackground);
  std::vector<std::uint32_t> elsewhere = background;
  std::erase_if(elsewhere, [&](std::uint32_t i) { return static_cast<int>(sec[i].sector) == crash_sector; });
  if (!elsewhere.empty()) background = elsewhere;
  VolatilityEpisode shock;
  shock.kind = VolatilityKind::kSingleStockShock;
  shock.securities = {background[rng.below(background.size())]};
  shock.size_percent = ((rng.next() & 1) != 0 ? 1.0 : -1.0) * kShockPercent * settings.episode_size;
  shock.start_ns = episodes_.back().reserved_until_ns + settings.calm_gap_ns;
  shock.move_end_ns = shock.start_ns + kShockNs;
  shock.reserved_until_ns = shock.move_end_ns + settings.pause_ns;
  episodes_.push_back(shock);

  VolatilityEpisode crash;
  crash.kind = VolatilityKind::kSectorFlashCrash;
  crash.sector = crash_sector;
  for (const std::uint32_t i : priced) {
    if (static_cast<int>(sec[i].sector) == crash.sector) crash.securities.push_back(i);
  }
  crash.derived = etf_if_priced_off(model, crash.securities);
  crash.size_percent = kCrashPercent * settings.episode_size;
  crash.start_ns = episodes_.back().reserved_until_ns + settings.calm_gap_ns;
  crash.move_end_ns = crash.start_ns + settings.crash_ns;
  crash.recovery_start_ns = crash.move_end_ns + settings.pause_ns + kSettleNs;
  crash.recovery_end_ns = crash.recovery_start_ns + settings.recovery_ns;
  crash.reserved_until_ns = crash.recovery_end_ns;
  episodes_.push_back(crash);

  VolatilityEpisode decline;
  decline.kind = VolatilityKind::kMarketDecline;
  decline.securities = priced;
  decline.derived = {model.basket().etf};
  decline.size_percent = kDeclinePercent * settings.episode_size;
  decline.start_ns = episodes_.back().reserved_until_ns + settings.calm_gap_ns;
  decline.move_end_ns = decline.start_ns + settings.decline_ns;
  decline.recovery_start_ns = decline.move_end_ns + std::max(settings.pause_ns, settings.halt_ns) + kSettleNs;
  decline.recovery_end_ns = decline.recovery_start_ns + settings.recovery_ns;
  decline.reserved_until_ns = decline.recovery_end_ns;
  episodes_.push_back(decline);
}

void VolatilityPlan::apply(std::uint64_t t, std::span<double> offsets) const noexcept {
  for (const VolatilityEpisode& e : episodes_) {
    for (const std::uint32_t i : e.securities) offsets[i] = 0;
  }
  for (const VolatilityEpisode& e : episodes_) {
    if (e.securities.empty() || t < e.start_ns) continue;
    const double offset = share_at(e, t) * e.size_percent * kPercent;
    for (const std::uint32_t i : e.securities) offsets[i] += offset;
  }
}

double VolatilityPlan::flow_factor(std::uint64_t t) const noexcept {
  for (const VolatilityEpisode& e : episodes_) {
    if (e.kind == VolatilityKind::kOpenBurst && t >= e.start_ns && t < e.move_end_ns) return settings_.burst_factor;
  }
  return 1;
}

int VolatilityPlan::episode_at(std::uint64_t t) const noexcept {
  for (std::size_t e = 0; e < episodes_.size(); ++e) {
    if (t >= episodes_[e].start_ns && t < episodes_[e].reserved_until_ns) return static_cast<int>(e);
  }
  return -1;
}

}  // namespace tickwire::generator::venues
