#include "pcap_samples/generator/symbol_universe.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include "pcap_samples/generator/det_math.h"

namespace tickwire::generator {

namespace {

constexpr std::uint32_t kPrice4PerDollar = 10'000;
constexpr std::uint32_t kPennyStep = 100;       // $0.01
constexpr std::uint32_t kNickelStep = 500;      // $0.05: wide-priced names quote coarser
constexpr std::uint32_t kSubPennyStep = 1;      // $0.0001, allowed below $1 (Reg NMS 612)
constexpr double kSubDollarShare = 0.06;
constexpr double kSubDollarLow = 0.05, kSubDollarHigh = 0.95;
constexpr double kDollarLow = 2.0, kDollarHigh = 600.0;
constexpr double kNickelFrom = 100.0;
constexpr double kEtpShare = 0.15;

// Ticker lengths: mostly 3 and 4 letters, as on US exchanges.
constexpr std::uint32_t kLengthWeights[] = {2, 8, 35, 50, 5};  // lengths 1..5

// Listing markets in rough proportion of the securities NASDAQ's feed carries:
// Q/G/S are NASDAQ tiers; N NYSE, P NYSE Arca, A NYSE American, Z Cboe BZX, V IEX.
struct Market {
  char code;
  std::uint32_t weight;
};
constexpr Market kMarkets[] = {{'Q', 17}, {'G', 9}, {'S', 14}, {'N', 30}, {'P', 22}, {'A', 4}, {'Z', 3}, {'V', 1}};

char draw_market(Rng& rng) {
  std::uint32_t total = 0;
  for (const Market& m : kMarkets) total += m.weight;
  std::uint64_t r = rng.below(total);
  for (const Market& m : kMarkets) {
    if (r < m.weight) return m.code;
    r -= m.weight;
  }
  return kMarkets[0].code;
}

std::string draw_ticker(Rng& rng) {
  std::uint32_t total = 0;
  for (std::uint32_t w : kLengthWeights) total += w;
  std::uint64_t r = rng.below(total);
  std::size_t length = 1;
  for (std::uint32_t w : kLengthWeights) {
    if (r < w) break;
    r -= w;
    ++length;
  }
  std::string s(length, 'A');
  for (char& c : s) c = static_cast<char>('A' + rng.below(26));
  return s;
}

double log_uniform(Rng& rng, double low, double high) {
  return low * detmath::exp(rng.unit() * detmath::log(high / low));
}

}  // namespace

SymbolUniverse::SymbolUniverse(std::uint32_t count, double zipf_exponent, Rng& rng) {
  // Tickers: unique, then sorted, so locates follow the alphabet as in NASDAQ's directory.
  std::set<std::string> names;
  while (names.size() < count) names.insert(draw_ticker(rng));
  symbols_.resize(count);
  std::uint32_t i = 0;
  for (const std::string& name : names) {
    SymbolInfo& s = symbols_[i];
    std::memset(s.stock, ' ', sizeof s.stock);
    std::memcpy(s.stock, name.data(), name.size());
    s.locate = static_cast<std::uint16_t>(i + 1);
    ++i;
  }

  for (SymbolInfo& s : symbols_) {
    s.market_category = draw_market(rng);
    s.nasdaq_listed = s.market_category == 'Q' || s.market_category == 'G' || s.market_category == 'S';
    s.etp = rng.unit() < kEtpShare;
    const bool sub_dollar = rng.unit() < kSubDollarShare;
    const double dollars = sub_dollar ? kSubDollarLow + rng.unit() * (kSubDollarHigh - kSubDollarLow)
                                      : log_uniform(rng, kDollarLow, kDollarHigh);
    s.step = sub_dollar ? kSubPennyStep : (dollars >= kNickelFrom ? kNickelStep : kPennyStep);
    const auto raw = static_cast<std::uint32_t>(dollars * kPrice4PerDollar);
    s.reference_price = raw - raw % s.step;
    // The ladder is centred on the reference price but never reaches zero.
    const std::uint32_t half = kLevels / 2 * s.step;
    s.base_price = s.reference_price > half + s.step ? s.reference_price - half : s.step;
  }

  // Popularity: a random permutation of ranks, Zipf weights 1 / rank^s.
  by_rank_.resize(count);
  for (std::uint32_t k = 0; k < count; ++k) by_rank_[k] = k;
  for (std::uint32_t k = count; k > 1; --k) std::swap(by_rank_[k - 1], by_rank_[rng.below(k)]);
  std::vector<double> weights(count);
  double total = 0.0;
  for (std::uint32_t rank = 0; rank < count; ++rank) {
    weights[rank] = 1.0 / detmath::pow(static_cast<double>(rank + 1), zipf_exponent);
    total += weights[rank];
  }
  for (std::uint32_t rank = 0; rank < count; ++rank) {
    SymbolInfo& s = symbols_[by_rank_[rank]];
    s.popularity_rank = rank;
    s.popularity = weights[rank] / total;
  }
  zipf_ = AliasTable(weights);
}

}  // namespace tickwire::generator
