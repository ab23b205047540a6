// The market behind a multi-venue scenario: one fair value per security on a 1 ms grid of
// exchange time, moved by a market factor, sector factors and noise of its own, with the
// relationships the pattern templates look for built in (twin pairs, a tightly correlated
// group, a leader and its followers, an ETF priced off its basket) and episodes injected
// into them at times written down beforehand (the ground truth a scorer compares signals
// with). Venues quote around these values (venue_stream.h), each with a small bias of its
// own, so their books lock and cross now and then as real venues' do.
//
// Deterministic: integer-seeded draws and + - * / only (no libm), so one seed gives the
// same doubles, hence the same bytes, everywhere.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/rng.h"

namespace tickwire::generator::venues {

inline constexpr std::uint64_t kStepNs = 1'000'000;  // the fair-value grid

enum class EpisodeKind : std::uint8_t { kPairDivergence, kCorrelationBreak, kLeaderJump, kBasketPremium, kDislocation };
inline constexpr std::size_t kEpisodeKinds = 5;
inline constexpr std::array<const char*, kEpisodeKinds> kEpisodeKindNames = {
    "pair_divergence", "correlation_break", "leader_jump", "basket_premium", "dislocation"};
// The template meant to see each kind.
inline constexpr std::array<const char*, kEpisodeKinds> kEpisodeTemplates = {
    "pair_spread", "correlation_break", "lead_lag", "basket_premium", "cross_venue"};

struct Episode {
  EpisodeKind kind = EpisodeKind::kPairDivergence;
  std::vector<std::uint32_t> securities;  // the ones the template should name
  int venue = -1;                          // a dislocation's venue
  std::uint64_t start_ns = 0;              // exchange time (ns since midnight)
  std::uint64_t end_ns = 0;
  double size_bps = 0;                     // signed: the move injected
};

enum class Role : std::uint8_t { kBackground, kPairA, kPairB, kGroup, kLeader, kFollower, kEtf, kComponent };

struct ModelSecurity {
  std::string symbol;
  std::int64_t reference = 0;  // Price(4) at the open
  std::int64_t tick = 100;     // Price(4): one cent
  Role role = Role::kBackground;
  std::uint32_t sector = 0;
  double beta = 1.0;          // on the market factor
  double loading = 0.5;       // on its sector's factor
  double noise_sd = 0;        // per step, of its own random walk (return units)
  std::uint32_t partner = 0;  // pair B: its A; follower: its leader
  std::uint32_t luld_tier = 2;
};

struct Basket {
  std::uint32_t etf = 0;
  std::vector<std::pair<std::uint32_t, std::int64_t>> shares;  // (component, shares per unit)
  std::int64_t cash = 0;            // Price(4) per creation unit
  std::int64_t creation_unit = 50'000;
};

struct ModelConfig {
  std::uint64_t seed = 1;
  std::uint32_t venues = 3;
  std::uint64_t flow_start_ns = 0;
  std::uint64_t flow_ns = 0;
  std::uint32_t episodes_per_kind = 2;
  // Factor on every episode's size (1: the default sizes, well above the quiet market's
  // noise); smaller episodes show where each template stops seeing them.
  double episode_size = 1.0;
  std::vector<std::string> symbols;  // the universe's tickers, at least kMinSymbols
};

class VolatilityPlan;

class MarketModel {
 public:
  static constexpr std::uint32_t kPairs = 4;
  static constexpr std::uint32_t kGroupSize = 5;
  static constexpr std::uint32_t kFollowers = 2;
  static constexpr std::uint32_t kComponents = 8;
  static constexpr std::uint32_t kMinSymbols = 2 * kPairs + kGroupSize + 1 + kFollowers + 1 + kComponents + 4;
  static constexpr std::uint64_t kLeaderLagNs = 80'000'000;
  static constexpr std::uint32_t kSectors = 4;
  static constexpr std::uint32_t kGroupSector = 1;
  static constexpr std::array<const char*, kSectors> kSectorNames = {"technology", "semiconductors", "energy", "health"};

  // Empty when usable, else why not.
  [[nodiscard]] static std::string check(const ModelConfig& config);
  explicit MarketModel(const ModelConfig& config);

  // Volatility episodes moving fair values on top of the model's own (volatility_plan.h);
  // null: none. Set before the first step.
  void set_volatility(const VolatilityPlan* plan) noexcept { volatility_ = plan; }

  // Moves the market to step k (time flow_start + k * kStepNs); steps are taken in order.
  void step(std::uint64_t k);
  [[nodiscard]] std::uint64_t steps() const noexcept { return config_.flow_ns / kStepNs; }
  [[nodiscard]] std::uint64_t time_of(std::uint64_t k) const noexcept { return config_.flow_start_ns + k * kStepNs; }

  // Where venue v centres its quote for security i now, in ticks (fair value plus the
  // venue's own bias and any dislocation of it).
  [[nodiscard]] double quote_centre(std::uint32_t venue, std::uint32_t i) const noexcept;
  [[nodiscard]] double fair_value(std::uint32_t i) const noexcept { return fair_[i]; }  // Price(4), as a double

  [[nodiscard]] const std::vector<ModelSecurity>& securities() const noexcept { return securities_; }
  [[nodiscard]] const std::vector<Episode>& episodes() const noexcept { return episodes_; }
  [[nodiscard]] const Basket& basket() const noexcept { return basket_; }
  [[nodiscard]] std::uint32_t leader() const noexcept { return leader_; }
  [[nodiscard]] std::vector<std::uint32_t> of_role(Role role) const;
  [[nodiscard]] Rng& flow_rng() noexcept { return flow_rng_; }

 private:
  void assign_roles(Rng& rng);
  void build_basket();
  void plan_episodes(Rng& rng);
  [[nodiscard]] double normal() noexcept;  // N(0, 1), Irwin-Hall of 12 uniforms
  void apply_episodes(std::uint64_t t) noexcept;

  ModelConfig config_;
  const VolatilityPlan* volatility_ = nullptr;
  std::vector<ModelSecurity> securities_;
  Basket basket_;
  std::uint32_t leader_ = 0;
  std::vector<Episode> episodes_;

  Rng noise_rng_;
  Rng flow_rng_;
  double market_ = 0;
  std::array<double, kSectors> sector_{};
  std::vector<double> own_;    // each security's own random walk (return units)
  std::vector<double> twin_;   // pair B, ETF: mean-reverting noise around the partner
  std::vector<double> fair_;   // Price(4)
  std::vector<double> bias_;   // [venue * n + i], ticks, mean-reverting
  std::vector<double> leader_history_;  // the leader's own walk, one entry per step, as a ring
  // The episodes at the current step: an offset (return units), a break of the sector's
  // hold, a venue's dislocation (ticks, [venue * n + i]).
  std::vector<double> offset_now_;
  std::vector<std::uint8_t> decoupled_now_;
  std::vector<double> dislocation_now_;
};

}  // namespace tickwire::generator::venues
