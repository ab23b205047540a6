// cross_venue: a security's displayed books compared across feeds after each batch (the
// updates of one time) that touched it: `crossed` when some feed's best bid is above another
// feed's best ask, else `locked` when some feed's best bid equals another's best ask, else
// none. A signal whenever that state becomes locked or crossed (from none, or from the
// other), against the state after the previous evaluation. The books are compared whatever
// the trading state (the signal carries each side's); `skip_halted` leaves out legs that are
// halted, paused or closed. The pair shown is the widest cross (the first lock) in feed
// order. Keyed by the batch's last update touching the security.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/core/mapped_array.h"
#include "dataplane/patterns/pattern_instance.h"

namespace tickwire::patterns {

struct CrossVenueParams {
  std::vector<Symbol> securities;  // empty: every security seen on two feeds or more
  bool skip_halted = false;
};

enum class VenueState : std::uint8_t { kNone, kLocked, kCrossed };

// The state of one security across its legs, and the pair that shows it.
struct VenueComparison {
  VenueState state = VenueState::kNone;
  std::uint16_t bid_feed = 0;
  std::uint16_t ask_feed = 0;
  Price8 bid = 0;
  Price8 ask = 0;
};
[[nodiscard]] VenueComparison compare_venues(const SecurityState& s, bool skip_halted) noexcept;

class CrossVenue final : public PatternInstance {
 public:
  CrossVenue(std::uint32_t id, std::uint32_t version, CrossVenueParams params, std::uint32_t max_securities);
  [[nodiscard]] bool ok() const noexcept { return last_.ok() && (params_.securities.empty() || watched_.ok()); }

  [[nodiscard]] std::span<const Symbol> legs() const noexcept override { return params_.securities; }
  [[nodiscard]] bool watches_all() const noexcept override { return params_.securities.empty(); }
  void resolved(std::size_t leg, std::uint32_t security) noexcept override;
  void on_batch_end(const MarketState& market, const BatchView& batch, SignalOut& out) noexcept override;
  void on_day_begins(std::uint16_t feed) noexcept override;

 private:
  CrossVenueParams params_;
  MappedArray<VenueState> last_;     // per security: the state after its last evaluation
  MappedArray<std::uint8_t> watched_;  // per security, with a list: 1 when listed
};

}  // namespace tickwire::patterns
