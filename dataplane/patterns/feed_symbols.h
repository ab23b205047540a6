// The securities file's per-feed symbols as a pattern thread reads them: (feed rank, that
// feed's symbol) -> the security's own symbol. A feed symbol without an entry is the
// security's symbol itself, so a security no entry names is matched across feeds by symbol.
//
// Keyed by feed: "AAPL.X" on bx may be AAPL while "AAPL.X" on another feed stays a security
// of its own. Built on the control thread (it allocates), read-only once handed to the
// pattern threads: a reload builds a new table, and each thread swaps its pointer at one
// merge key (PatternEngine), so none is ever changed under a reader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "dataplane/patterns/reference_data.h"
#include "dataplane/patterns/security_directory.h"

namespace tickwire::patterns {

class FeedSymbols {
 public:
  FeedSymbols() = default;
  // From the reference data, for the feeds of this process by rank ("" for one unnamed
  // feed, which takes the entries of `unnamed`, the name its journal lines give it).
  FeedSymbols(const ReferenceData& reference, const std::vector<std::string>& feeds, std::string_view unnamed = "feed") {
    for (const SecurityReference& s : reference.securities) {
      for (const auto& [feed, symbol] : s.on) {
        for (std::size_t rank = 0; rank < feeds.size(); ++rank) {
          const std::string_view name = feeds[rank].empty() ? unnamed : std::string_view(feeds[rank]);
          if (name == feed) entries_.push_back({static_cast<std::uint16_t>(rank), make_symbol(symbol), make_symbol(s.symbol)});
        }
      }
    }
    std::sort(entries_.begin(), entries_.end(), before);
  }

  // The security feed `feed` means by `on_feed`.
  [[nodiscard]] const Symbol& security(std::uint16_t feed, const Symbol& on_feed) const noexcept {
    const Entry key{feed, on_feed, {}};
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), key, before);
    return it != entries_.end() && it->feed == feed && it->on_feed == on_feed ? it->security : on_feed;
  }
  // Entries that apply to this process's feeds.
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::uint16_t feed;
    Symbol on_feed;
    Symbol security;
  };
  static bool before(const Entry& a, const Entry& b) noexcept {
    return std::tie(a.feed, a.on_feed) < std::tie(b.feed, b.on_feed);
  }
  std::vector<Entry> entries_;  // sorted by (feed, on_feed): a lookup names an instrument, not the hot path
};

}  // namespace tickwire::patterns
