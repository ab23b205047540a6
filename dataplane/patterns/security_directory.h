// Which security a feed's instrument is, across feeds: one pattern thread's own directory,
// filled in merge order from the instrument updates (so every thread, and every run, names
// the same securities the same way). A security is named by its symbol; the reference data
// may give it another symbol on some feed (a feed's own name for it), and declares the
// securities the patterns refer to before any feed has named them. A security without an
// entry is matched across feeds by symbol.
//
// Fixed capacity, set at start-up: a full table refuses a new name (counted), never grows.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "dataplane/core/mapped_array.h"

namespace tickwire::patterns {

inline constexpr std::uint32_t kNoSecurity = ~std::uint32_t{0};
inline constexpr std::size_t kMaxSymbol = 24;
inline constexpr std::size_t kMaxFeeds = 16;

using Symbol = std::array<char, kMaxSymbol>;

[[nodiscard]] inline Symbol make_symbol(std::string_view text) noexcept {
  Symbol s{};
  std::memcpy(s.data(), text.data(), text.size() < kMaxSymbol ? text.size() : kMaxSymbol);
  return s;
}
[[nodiscard]] inline std::string_view symbol_text(const Symbol& s) noexcept {
  std::size_t n = s.size();
  while (n != 0 && (s[n - 1] == '\0' || s[n - 1] == ' ')) --n;
  return {s.data(), n};
}

class SecurityDirectory {
 public:
  SecurityDirectory(std::uint32_t max_securities, std::uint32_t max_instruments_per_feed, std::size_t feeds)
      : names_(max_securities), slots_(std::bit_ceil(std::size_t{max_securities} * 2 + 2)),
        max_instruments_(max_instruments_per_feed), feeds_(feeds) {
    for (std::size_t f = 0; f < feeds && f < kMaxFeeds; ++f) legs_[f] = MappedArray<std::uint32_t>(max_instruments_per_feed);
    for (std::size_t f = 0; f < feeds && f < kMaxFeeds; ++f) clear_feed(f);
    for (std::size_t i = 0; i < slots_.capacity(); ++i) slots_[i] = kNoSecurity;
  }

  [[nodiscard]] bool ok() const noexcept {
    if (!names_.ok() || !slots_.ok() || feeds_ > kMaxFeeds) return false;
    for (std::size_t f = 0; f < feeds_; ++f) {
      if (!legs_[f].ok()) return false;
    }
    return true;
  }

  // The security named `symbol`, made if new; kNoSecurity when the table is full.
  std::uint32_t named(const Symbol& symbol) noexcept {
    std::size_t slot = hash(symbol) & (slots_.capacity() - 1);
    for (;; slot = (slot + 1) & (slots_.capacity() - 1)) {
      const std::uint32_t id = slots_[slot];
      if (id == kNoSecurity) break;
      if (names_[id] == symbol) return id;
    }
    if (count_ == names_.capacity()) {
      ++refused_;
      return kNoSecurity;
    }
    const std::uint32_t id = count_++;
    names_[id] = symbol;
    slots_[slot] = id;
    return id;
  }
  [[nodiscard]] std::uint32_t find(const Symbol& symbol) const noexcept {
    for (std::size_t slot = hash(symbol) & (slots_.capacity() - 1);; slot = (slot + 1) & (slots_.capacity() - 1)) {
      const std::uint32_t id = slots_[slot];
      if (id == kNoSecurity) return kNoSecurity;
      if (names_[id] == symbol) return id;
    }
  }

  // Feed `feed` names its `instrument` as `security` (from now on, until its next day).
  void map(std::size_t feed, std::uint32_t instrument, std::uint32_t security) noexcept {
    if (feed < feeds_ && instrument < max_instruments_) legs_[feed][instrument] = security;
  }
  [[nodiscard]] std::uint32_t security_of(std::size_t feed, std::uint32_t instrument) const noexcept {
    return feed < feeds_ && instrument < max_instruments_ ? legs_[feed][instrument] : kNoSecurity;
  }
  // A feed's next trading day: its instruments name nothing until named again.
  void clear_feed(std::size_t feed) noexcept {
    for (std::uint32_t i = 0; i < max_instruments_; ++i) legs_[feed][i] = kNoSecurity;
  }

  [[nodiscard]] const Symbol& name(std::uint32_t security) const noexcept { return names_[security]; }
  [[nodiscard]] std::uint32_t count() const noexcept { return count_; }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(names_.capacity()); }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

 private:
  static std::uint64_t hash(const Symbol& s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: names are short, and this is not the hot path
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return h;
  }

  MappedArray<Symbol> names_;
  MappedArray<std::uint32_t> slots_;  // open addressing, linear probing; kNoSecurity: empty
  std::array<MappedArray<std::uint32_t>, kMaxFeeds> legs_;
  std::uint32_t max_instruments_;
  std::size_t feeds_;
  std::uint32_t count_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace tickwire::patterns
