// The normalized market event: what the RX core hands to every later stage. One cache line,
// trivially copyable, so rings move it by value and nothing downstream reads a book.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "dataplane/core/cache.h"

namespace tickwire::events {

enum class EventKind : std::uint8_t {
  kLevelChange,     // a price level's aggregate after an add/execute/cancel/delete/replace
  kTopOfBook,       // best bid or offer (price or size) changed; once per message
  kTrade,           // execution against a displayed order (E, C), hidden (P) or cross (Q)
  kTradeBreak,      // B: a trade was broken
  kTradingState,    // H / h / Y / J / K / N / O: the security's trading status changed
  kMarketState,     // S / V / W: the system or the market-wide circuit breaker changed
  kImbalance,       // I: NOII
  kBookCrossed,     // best bid >= best ask while the security trades continuously
  kInstrumentAdded, // R, or an add for a locate never seen in R
};
inline constexpr std::size_t kEventKindCount = static_cast<std::size_t>(EventKind::kInstrumentAdded) + 1;

// The most events one message may produce and a consumer holds together (a replace: two level
// changes, a top of book and a crossed-book report, well under this).
inline constexpr std::size_t kMaxEventsPerMessage = 16;

enum class Side : std::uint8_t { kNone = 0, kBid = 1, kAsk = 2 };

enum EventFlags : std::uint16_t {
  kLastInMessage = 1u << 0,  // stages act at message boundaries (a replace is two changes)
  kBookSuspect = 1u << 1,    // messages may have been lost before this one
  kTimestampAnomaly = 1u << 2,
  kNonPrintable = 1u << 3,   // C with printable = N: part of a print counted elsewhere
  kHiddenTrade = 1u << 4,    // P: no displayed order was touched
  kCrossTrade = 1u << 5,     // Q
  kLevelRemoved = 1u << 6,   // kLevelChange: the level is now empty
  // Between the RX core's router and the workers only (outputs clear it): the last event of
  // one instrument's run within a message. A worker schedules such runs, because one message
  // may touch two books (an add reusing the reference of an order resting in another book
  // removes that order) and each instrument's events belong to the worker that owns it.
  kEndOfUnit = 1u << 7,
  // kInstrumentAdded: a locate maps to the instrument from this message on, where none did
  // (it is new, or back on a later trading day). Whatever was kept about it before belongs to
  // another day: stages start its state afresh, and the event is never shed.
  kStartsAfresh = 1u << 8,
  // A security breaker of its instrument is open or half-open (dataplane/breakers/).
  kVolatile = 1u << 9,
  // Its instrument holds one of breaker.max_promoted promotion places: the classifier makes
  // its top-of-book and trade messages critical.
  kPromoted = 1u << 10,
  // Between the RX core's stream breakers and the router only (outputs clear them): the
  // ladder steps (breakers::StepMask, from bit kStepShift) system breakers engaged at this
  // message, which the router applies.
  kShedLowStep = 1u << 11,
  kCriticalOnlyStep = 1u << 12,
};
inline constexpr unsigned kStepShift = 11;
inline constexpr std::uint16_t kStepFlags = kShedLowStep | kCriticalOnlyStep;
// Flags that never leave the pipeline's own threads.
inline constexpr std::uint16_t kInternalFlags = kEndOfUnit | kStepFlags;

struct alignas(kCacheLine) Event {
  // Identity and order: (sequence, event_index) is unique and sorts events as they happened.
  // MoldUDP64 sequence (BinaryFILE: message number). On worker lcores, the stream key the
  // RX core's router gave the message (events::StreamKeys): feed_sequence() gives it back.
  std::uint64_t sequence;
  std::uint64_t exchange_time_ns;  // ITCH timestamp: ns since midnight Eastern
  std::uint64_t receive_time_ns;   // capture time in replay, NIC/TSC time live
  std::uint32_t instrument;
  std::uint16_t feed;
  std::uint16_t event_index;       // within its message
  EventKind kind;
  Side side;
  std::uint16_t flags;
  std::uint8_t source_type;        // the ITCH type that produced it ('A', 'E', ...)
  std::uint8_t code;               // state code: H trading state, Y action, S event code, ...
  std::uint8_t code2;              // second code: H reason's first byte, I cross type, ...
  std::uint8_t reserved;
  // Values after the update; their meaning depends on the kind:
  //   kLevelChange: price, quantity = level shares, order_count
  //   kTopOfBook:   price/quantity = best bid, other_price/other_quantity = best ask (0 = none)
  //   kTrade:       price, quantity = shares, match_number
  //   kTradeBreak:  match_number
  //   kImbalance:   price = current reference, other_price = near, quantity = imbalance
  //                 shares, other_quantity = paired shares, code = direction
  //   kBookCrossed: price = best bid, other_price = best ask
  //   kInstrumentAdded: quantity = round lot (from R), symbol and stock_locate = its name and
  //                 locate from this message on
  std::uint32_t price;             // Price(4) raw
  union {
    std::uint32_t other_price;
    std::uint32_t stock_locate;
  };
  std::uint64_t quantity;
  union {
    std::uint64_t other_quantity;
    std::uint64_t match_number;
    std::uint64_t order_count;
    char symbol[8];                // space padded, as on the wire
  };
};
static_assert(sizeof(Event) == kCacheLine, "an event is exactly one cache line");
static_assert(std::is_trivially_copyable_v<Event>);

// A consumer of the book builder that takes each message's events in one piece, where they
// were built (it may rewrite them: they are the builder's scratch until the next message).
// Any other sink is called once per event, the last one flagged kLastInMessage.
template <class Sink>
concept MessageSink = requires(Sink& sink, std::span<Event> message) { sink.message(message); };

}  // namespace tickwire::events
