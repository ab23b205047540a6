// The records a full-depth book is made of, each in a fixed pool and named by a 32-bit
// handle (0 = none), so links are half the size of pointers and pools can live anywhere.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/core/cache.h"
#include "dataplane/events/event.h"

namespace tickwire::book {

using Handle = std::uint32_t;
inline constexpr Handle kNone = 0;

enum SideIndex : unsigned { kBidSide = 0, kAskSide = 1 };

// One resting order. Its price and side are its level's. Orders do not link to each other:
// a level's queue is its orders in `arrival` order, which only a slow-path listing needs
// (BookStore::queues), while links would cost every add and delete the neighbours' lines.
struct Order {
  std::uint64_t reference;
  std::uint64_t arrival;     // rises with every add in the store: time priority
  std::uint32_t shares;      // remaining
  Handle level;              // kNone: the record is free
  std::uint32_t instrument;  // a free overflow record's next (OrderTable)
  std::uint32_t reserved;
};
static_assert(sizeof(Order) == 32, "two orders per cache line");

// All orders at one price on one side of one book.
struct PriceLevel {
  std::uint64_t shares;  // sum of the orders' remaining shares (64-bit: may pass 2^32)
  std::uint32_t price;
  std::uint32_t orders;
  Handle better;         // neighbours in price priority on this side
  Handle worse;          // also links the free list
  std::uint32_t instrument;
  std::uint8_t side;     // SideIndex
  bool indexed;          // in the price index (see BookStore::kWalkedLevels)
  std::uint8_t reserved[2];
};
static_assert(sizeof(PriceLevel) == 32, "two levels per cache line");

// One side of a book. The best level's price and shares are kept here as well, so the top
// of book is read from the instrument, which the message has loaded already, instead of
// from two level records that may be anywhere in the pool.
struct BookSide {
  Handle best = kNone;
  Handle worst = kNone;
  std::uint32_t levels = 0;
  std::uint32_t best_price = 0;   // 0 when the side is empty
  std::uint64_t best_shares = 0;  // 0 when the side is empty
};
static_assert(sizeof(BookSide) == 24);

// What a book looks like from the top, for change detection and events.
struct TopOfBook {
  std::uint32_t bid_price = 0;
  std::uint32_t ask_price = 0;
  std::uint64_t bid_shares = 0;
  std::uint64_t ask_shares = 0;
  friend bool operator==(const TopOfBook&, const TopOfBook&) = default;
};

}  // namespace tickwire::book
