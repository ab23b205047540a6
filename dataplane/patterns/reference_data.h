// The reference data patterns (and later breakers and calibration) share: each security's
// name, its symbol on feeds that call it otherwise, its sector, the indexes it belongs to,
// its LULD tier, and for an ETF its basket (shares of each component per creation unit, the
// cash, and the ETF shares a unit makes). Read from a securities file at start-up
// (controlplane/patterns/securities_file.h) and again on `tickwire ctl securities reload`;
// immutable once built (a reload builds anew).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/patterns/market_update.h"

namespace tickwire::patterns {

struct SecurityReference {
  std::string symbol;                                    // its name across feeds
  std::vector<std::pair<std::string, std::string>> on;   // (feed name, that feed's symbol for it)
  std::string sector;
  std::vector<std::string> indexes;
  std::uint32_t luld_tier = 0;  // 0: not given
  // An ETF's basket: (component symbol, shares per creation unit).
  std::vector<std::pair<std::string, std::int64_t>> basket;
  Price8 basket_cash = 0;          // per creation unit
  std::int64_t creation_unit = 0;  // ETF shares one unit makes (0: not an ETF)
  bool operator==(const SecurityReference&) const = default;  // a reload says which changed
};

struct ReferenceData {
  std::vector<SecurityReference> securities;
  [[nodiscard]] const SecurityReference* find(std::string_view symbol) const noexcept {
    for (const SecurityReference& s : securities) {
      if (s.symbol == symbol) return &s;
    }
    return nullptr;
  }
};

}  // namespace tickwire::patterns
