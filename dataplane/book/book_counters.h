// What the book builder found wrong with the stream or could not hold. Each anomaly has its
// own counter; processing always continues and the books stay consistent.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tickwire::book {

enum class BookAnomaly : std::uint8_t {
  kExecuteUnknownReference,   // E or C for an order not in the book
  kCancelUnknownReference,    // X
  kDeleteUnknownReference,    // D
  kReplaceUnknownReference,   // U whose original order is not in the book
  kExecuteMoreThanRemains,    // E/C for more shares than the order has: executed what remained
  kCancelMoreThanRemains,     // X likewise
  kAddLiveReference,          // A/F reusing a live reference: the new order replaced the old
  kReplaceToLiveReference,    // U whose new reference is live: the new order replaced it
  kLocateWithoutDirectory,    // a locate no R named: the instrument is taken from the stock field
  kInvalidSide,               // buy_sell_indicator neither B nor S: message dropped
  kNoOrderRoom,               // book.max_orders live: message dropped (alert)
  kNoLevelRoom,               // level pool full: message dropped (alert)
  kNoInstrumentRoom,          // instrument table full: message dropped (alert)
  kLocateSymbolChanged,       // an R renames a locate that adds had named differently
  kBookCrossed,               // best bid >= best ask in continuous trading (episodes)
  kTimestampBackwards,        // an ITCH timestamp before the feed's clock: flagged
  kTimestampJump,             // a timestamp far ahead in continuous trading: flagged
  kTimestampLate,             // received far later after its timestamp than the feed's least delay: flagged
  kCount
};

inline constexpr std::size_t kBookAnomalyCount = static_cast<std::size_t>(BookAnomaly::kCount);

inline constexpr std::array<std::string_view, kBookAnomalyCount> kBookAnomalyNames = {
    "execute_unknown_reference", "cancel_unknown_reference", "delete_unknown_reference",
    "replace_unknown_reference", "execute_more_than_remains", "cancel_more_than_remains",
    "add_live_reference",        "replace_to_live_reference", "locate_without_directory",
    "invalid_side",              "no_order_room",             "no_level_room",
    "no_instrument_room",        "locate_symbol_changed",     "book_crossed",
    "timestamp_backwards",       "timestamp_jump",            "timestamp_late",
};

struct BookCounters {
  std::uint64_t messages_applied = 0;  // messages that changed a book or a state
  std::uint64_t events = 0;            // events emitted
  std::uint64_t days_begun = 0;        // new MoldUDP64 sessions after the first: books emptied
  std::uint64_t orders_dropped_at_day_end = 0;  // still resting when their day's session ended
  std::array<std::uint64_t, kBookAnomalyCount> anomalies{};

  void count(BookAnomaly a) noexcept { ++anomalies[static_cast<std::size_t>(a)]; }
  [[nodiscard]] std::uint64_t operator[](BookAnomaly a) const noexcept {
    return anomalies[static_cast<std::size_t>(a)];
  }
};

}  // namespace tickwire::book
