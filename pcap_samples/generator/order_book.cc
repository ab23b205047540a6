#include "pcap_samples/generator/order_book.h"

namespace tickwire::generator {

BookModel::BookModel(std::uint32_t symbols, std::uint32_t order_capacity)
    : books_(symbols), orders_(order_capacity) {
  free_.reserve(order_capacity);
  // Hand out low slots first: the working set stays compact while the book is small.
  for (std::uint32_t i = order_capacity; i > 0; --i) free_.push_back(i - 1);
  live_.reserve(order_capacity);
}

std::uint32_t BookModel::add(std::uint16_t symbol, Side side, std::uint8_t level, std::uint32_t shares,
                             std::uint64_t reference, std::uint64_t now) noexcept {
  const std::uint32_t index = free_.back();
  free_.pop_back();
  Order& o = orders_[index];
  o.reference = reference;
  o.added_at = now;
  o.shares = shares;
  o.symbol = symbol;
  o.level = level;
  o.side = side;
  o.next = kNoOrder;
  o.live_slot = static_cast<std::uint32_t>(live_.size());
  live_.push_back(index);

  SymbolBook& b = books_[symbol];
  Level& l = b.levels[level];
  o.prev = l.tail;
  if (l.tail != kNoOrder) {
    orders_[l.tail].next = index;
  } else {
    l.head = index;
  }
  l.tail = index;
  if (side == Side::kBuy) {
    if (static_cast<int>(level) > b.best_bid) b.best_bid = level;
  } else if (static_cast<int>(level) < b.best_ask) {
    b.best_ask = level;
  }
  return index;
}

void BookModel::remove(std::uint32_t index) noexcept {
  Order& o = orders_[index];
  SymbolBook& b = books_[o.symbol];
  Level& l = b.levels[o.level];
  if (o.prev != kNoOrder) orders_[o.prev].next = o.next; else l.head = o.next;
  if (o.next != kNoOrder) orders_[o.next].prev = o.prev; else l.tail = o.prev;

  if (l.head == kNoOrder) {
    // Every level below the best ask holds bids and every level above the best bid asks
    // (the book never crosses), so the next non-empty level outward is the new touch.
    if (o.side == Side::kBuy && static_cast<int>(o.level) == b.best_bid) {
      int p = b.best_bid - 1;
      while (p >= 0 && b.levels[p].head == kNoOrder) --p;
      b.best_bid = p;
      if (b.best_ask == SymbolBook::kNoAsk && p == SymbolBook::kNoBid) b.anchor = o.level;
    } else if (o.side == Side::kSell && static_cast<int>(o.level) == b.best_ask) {
      int p = b.best_ask + 1;
      while (p < SymbolBook::kNoAsk && b.levels[p].head == kNoOrder) ++p;
      b.best_ask = p;
      if (b.best_bid == SymbolBook::kNoBid && p == SymbolBook::kNoAsk) b.anchor = o.level;
    }
  }

  const std::uint32_t moved = live_.back();
  live_[o.live_slot] = moved;
  orders_[moved].live_slot = o.live_slot;
  live_.pop_back();
  o.live_slot = kNoOrder;
}

}  // namespace tickwire::generator
