// Dispatch of one ITCH 5.0 message, in place, to a typed handler.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/itch/messages.h"

namespace tickwire::itch {

enum class DecodeStatus : std::uint8_t {
  kOk,
  kEmpty,           // a zero-length message block
  kUnknownType,     // first byte is not one of the 23 types
  kLengthMismatch,  // known type, but the block length is not the spec's length
};

// Per type code: its spec length and a dense index 0..22 (kNoIndex when unknown). One table
// lookup validates a block before the dispatch switch.
struct TypeInfo {
  static constexpr std::uint8_t kNoIndex = 0xFF;
  std::array<std::uint8_t, 256> length{};
  std::array<std::uint8_t, 256> index{};
  std::array<char, kMessageTypeCount> code{};
};

namespace detail {
template <class... M>
struct BuildTypeInfo {
  static constexpr TypeInfo make() {
    TypeInfo t{};
    t.index.fill(TypeInfo::kNoIndex);
    std::uint8_t i = 0;
    ((t.length[static_cast<unsigned char>(M::kType)] = M::kLength,
      t.index[static_cast<unsigned char>(M::kType)] = i,
      t.code[i] = M::kType, ++i),
     ...);
    return t;
  }
};
}  // namespace detail

inline constexpr TypeInfo kTypeInfo = AllMessages<detail::BuildTypeInfo>::make();

[[nodiscard]] constexpr std::uint8_t type_index(std::uint8_t code) noexcept { return kTypeInfo.index[code]; }
[[nodiscard]] constexpr std::size_t spec_length(std::uint8_t code) noexcept { return kTypeInfo.length[code]; }

// Validates the block [p, p+len) and calls handler(const Msg&) with the typed view. Reads
// nothing outside the block; the view stays valid as long as the bytes do.
template <class Handler>
[[gnu::always_inline]] inline DecodeStatus decode_message(const std::uint8_t* p, std::size_t len,
                                                           Handler&& handler) {
  if (TW_UNLIKELY(len == 0)) return DecodeStatus::kEmpty;
  const std::uint8_t code = p[0];
  // A and D are 85% of a NASDAQ day: plain conditional branches for them, ahead of the
  // length table and the jump table, predict better (decode_bench: see the closing notes).
  if (code == 'A') {
    if (TW_UNLIKELY(len != AddOrder::kLength)) return DecodeStatus::kLengthMismatch;
    handler(wire::view_as<AddOrder>(p));
    return DecodeStatus::kOk;
  }
  if (code == 'D') {
    if (TW_UNLIKELY(len != OrderDelete::kLength)) return DecodeStatus::kLengthMismatch;
    handler(wire::view_as<OrderDelete>(p));
    return DecodeStatus::kOk;
  }
  const std::size_t expected = kTypeInfo.length[code];
  if (TW_UNLIKELY(len != expected)) {
    return expected == 0 ? DecodeStatus::kUnknownType : DecodeStatus::kLengthMismatch;
  }
  switch (code) {
    case 'U': handler(wire::view_as<OrderReplace>(p)); break;
    case 'E': handler(wire::view_as<OrderExecuted>(p)); break;
    case 'X': handler(wire::view_as<OrderCancel>(p)); break;
    case 'F': handler(wire::view_as<AddOrderMpid>(p)); break;
    case 'P': handler(wire::view_as<Trade>(p)); break;
    case 'C': handler(wire::view_as<OrderExecutedWithPrice>(p)); break;
    case 'I': handler(wire::view_as<NetOrderImbalance>(p)); break;
    case 'L': handler(wire::view_as<MarketParticipantPosition>(p)); break;
    case 'Q': handler(wire::view_as<CrossTrade>(p)); break;
    case 'N': handler(wire::view_as<RetailInterest>(p)); break;
    case 'S': handler(wire::view_as<SystemEvent>(p)); break;
    case 'R': handler(wire::view_as<StockDirectory>(p)); break;
    case 'H': handler(wire::view_as<StockTradingAction>(p)); break;
    case 'Y': handler(wire::view_as<RegShoRestriction>(p)); break;
    case 'V': handler(wire::view_as<MwcbDeclineLevel>(p)); break;
    case 'W': handler(wire::view_as<MwcbStatus>(p)); break;
    case 'K': handler(wire::view_as<IpoQuotingPeriodUpdate>(p)); break;
    case 'J': handler(wire::view_as<LuldAuctionCollar>(p)); break;
    case 'h': handler(wire::view_as<OperationalHalt>(p)); break;
    case 'B': handler(wire::view_as<BrokenTrade>(p)); break;
    case 'O': handler(wire::view_as<DirectListingPriceDiscovery>(p)); break;
    default: __builtin_unreachable();  // GCOVR_EXCL_LINE: the length table admits only the 23 codes above
  }
  return DecodeStatus::kOk;
}

}  // namespace tickwire::itch
