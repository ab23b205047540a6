// The listed instruments of a scenario: tickers, locates, listing markets, reference prices,
// price grids and Zipf popularity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pcap_samples/generator/rng.h"
#include "pcap_samples/generator/sampling.h"

namespace tickwire::generator {

struct SymbolInfo {
  char stock[8];              // space padded, as on the wire
  std::uint16_t locate = 0;   // 1-based, in alphabetical order like NASDAQ's directory
  char market_category = 'Q';
  bool nasdaq_listed = true;  // NOII and the financial status fields apply
  bool etp = false;
  std::uint32_t popularity_rank = 0;  // 0 = most active
  double popularity = 0;              // share of the flow
  std::uint32_t reference_price = 0;  // Price(4)
  std::uint32_t step = 0;             // Price(4) between two levels of the generator's ladder
  std::uint32_t base_price = 0;       // Price(4) of ladder level 0
};

class SymbolUniverse {
 public:
  // Ladder levels per symbol (the window of prices its book may use).
  static constexpr std::uint32_t kLevels = 256;

  SymbolUniverse(std::uint32_t count, double zipf_exponent, Rng& rng);

  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(symbols_.size()); }
  [[nodiscard]] const SymbolInfo& operator[](std::uint32_t index) const noexcept { return symbols_[index]; }
  // A symbol index drawn by popularity.
  [[nodiscard]] std::uint32_t draw(Rng& rng) const noexcept { return by_rank_[zipf_.sample(rng)]; }
  [[nodiscard]] std::uint32_t price_at(std::uint32_t index, std::uint32_t level) const noexcept {
    return symbols_[index].base_price + level * symbols_[index].step;
  }

 private:
  std::vector<SymbolInfo> symbols_;      // by locate - 1
  std::vector<std::uint32_t> by_rank_;   // popularity rank -> symbol index
  AliasTable zipf_;
};

}  // namespace tickwire::generator
