// The generator's own model of every book: per symbol a ladder of price levels, each a FIFO
// of orders, over one pre-sized pool of orders. It exists to decide what to generate (which
// order an execution takes, where an add may rest), so it keeps only what those decisions
// need and allocates nothing after construction.
#pragma once

#include <cstdint>
#include <vector>

#include "pcap_samples/generator/symbol_universe.h"

namespace tickwire::generator {

inline constexpr std::uint32_t kNoOrder = 0xFFFFFFFFu;

enum class Side : std::uint8_t { kBuy = 0, kSell = 1 };

struct Order {
  std::uint64_t reference = 0;
  std::uint64_t added_at = 0;  // ITCH timestamp of the add, for lifetime statistics
  std::uint32_t shares = 0;
  std::uint32_t prev = kNoOrder;  // older order at the same level
  std::uint32_t next = kNoOrder;  // newer order at the same level
  std::uint32_t live_slot = 0;    // index in the live-order table; kNoOrder once removed
  std::uint16_t symbol = 0;
  std::uint8_t level = 0;
  Side side = Side::kBuy;
};
static_assert(sizeof(Order) <= 40, "orders are the generator's main memory: keep them small");

struct Level {
  std::uint32_t head = kNoOrder;  // oldest: the next to execute
  std::uint32_t tail = kNoOrder;
};

struct SymbolBook {
  static constexpr int kNoBid = -1;
  static constexpr int kNoAsk = static_cast<int>(SymbolUniverse::kLevels);
  Level levels[SymbolUniverse::kLevels];
  int best_bid = kNoBid;
  int best_ask = kNoAsk;
  int anchor = SymbolUniverse::kLevels / 2;  // where an empty book quotes around
  bool halted = false;
  [[nodiscard]] bool has_bid() const noexcept { return best_bid != kNoBid; }
  [[nodiscard]] bool has_ask() const noexcept { return best_ask != kNoAsk; }
};

class BookModel {
 public:
  BookModel(std::uint32_t symbols, std::uint32_t order_capacity);

  [[nodiscard]] bool full() const noexcept { return free_.empty(); }
  [[nodiscard]] std::uint32_t live_count() const noexcept { return static_cast<std::uint32_t>(live_.size()); }
  [[nodiscard]] std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(orders_.size()); }
  [[nodiscard]] SymbolBook& book(std::uint32_t symbol) noexcept { return books_[symbol]; }
  [[nodiscard]] const SymbolBook& book(std::uint32_t symbol) const noexcept { return books_[symbol]; }
  [[nodiscard]] Order& order(std::uint32_t index) noexcept { return orders_[index]; }
  [[nodiscard]] std::uint32_t live_at(std::uint32_t slot) const noexcept { return live_[slot]; }

  // Appends a new order at the tail of its level. The caller has checked that the level is
  // on the right side of the touch and that the pool is not full.
  std::uint32_t add(std::uint16_t symbol, Side side, std::uint8_t level, std::uint32_t shares,
                    std::uint64_t reference, std::uint64_t now) noexcept;
  // Takes an order off its book and out of the live table; the best prices move if it was
  // the last at the touch. Its slot stays taken until release(): the lifetime queue still
  // names it.
  void remove(std::uint32_t index) noexcept;
  void release(std::uint32_t index) noexcept { free_.push_back(index); }
  [[nodiscard]] bool removed(std::uint32_t index) const noexcept { return orders_[index].live_slot == kNoOrder; }

 private:
  std::vector<SymbolBook> books_;
  std::vector<Order> orders_;
  std::vector<std::uint32_t> free_;  // stack of free pool slots
  std::vector<std::uint32_t> live_;  // live orders, in no particular order
};

}  // namespace tickwire::generator
