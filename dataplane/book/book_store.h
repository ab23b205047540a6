// Every order book of one RX core: instruments, their price ladders, the orders in them,
// and the indexes that find an order by reference and a level by price. Capacity is fixed
// at init(); after that nothing allocates, and a full pool is an answer, not a crash.
//
// Single writer (the RX core that owns the feed session); no locks.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "dataplane/book/book_types.h"
#include "dataplane/book/flat_index.h"
#include "dataplane/book/order_table.h"
#include "dataplane/book/prefetch_ticket.h"
#include "dataplane/core/mapped_array.h"

namespace tickwire::book {

struct BookConfig {
  std::size_t max_orders = 4'000'000;      // live orders at once, all books together
  std::size_t max_levels = 1'000'000;      // non-empty price levels at once
  std::size_t max_instruments = 16'384;    // NASDAQ lists about 12,000
  std::size_t max_feeds = 4;
  bool prefault = false;                   // touch every page now (live mode), not on first use
  bool huge_pages = false;                 // from the reserved huge pages, when enough are free
  // Not the store's: whoever feeds the builder issues its prefetch hints for the messages
  // ahead when it has them in memory (book::apply_prefetched).
  bool prefetch = true;
};

// Fast path first: what every order message of the instrument reads fits one cache line;
// the names, read when a directory message arrives or a journal is printed, come after.
struct alignas(kCacheLine) Instrument {
  std::array<BookSide, 2> sides;
  std::uint32_t id;
  std::uint32_t orders;
  char trading_state;          // H: 'T' trading, 'H' halted, 'P' paused, 'Q' quotation only; 0 unknown
  char reg_sho_action;         // Y
  bool from_directory;         // named by an R message (not only by adds)
  bool crossed;                // best bid >= best ask, reported once per episode
  // --- slow path: also what other threads read (journal names and locates), so they never
  // share the RX core's hot line
  alignas(kCacheLine) std::array<char, 8> symbol;  // space padded, as on the wire
  // The name and locate it was created with, never rewritten (a contradicting R renames it,
  // a later trading day may give it another locate): what another thread may read without
  // racing the RX core.
  std::array<char, 8> first_symbol;
  std::uint16_t first_locate;
  std::uint16_t feed;
  std::uint16_t locate;  // in its feed's current session (see BookStore::in_session)

  [[nodiscard]] std::string_view symbol_text() const noexcept {
    std::size_t n = symbol.size();
    while (n > 0 && symbol[n - 1] == ' ') --n;
    return {symbol.data(), n};
  }
};
static_assert(offsetof(Instrument, symbol) == kCacheLine, "the fast path is one cache line");

// A level as the events report it, after the change.
struct LevelState {
  std::uint32_t price = 0;
  std::uint64_t shares = 0;
  std::uint32_t orders = 0;
  SideIndex side = kBidSide;
  bool removed = false;  // the change emptied the level
};

enum class AddStatus : std::uint8_t { kAdded, kDuplicateReference, kNoOrderRoom, kNoLevelRoom };

// Every live order grouped by its level, each level's queue oldest first (the next to execute
// first). Built by one scan of the order table: for what lists queues (a snapshot, a test),
// never for the data path, and valid until the books change.
class LevelQueues {
 public:
  [[nodiscard]] std::span<const Order> of(const PriceLevel& l) const noexcept {
    const auto h = static_cast<std::size_t>(&l - levels_);
    if (h + 1 >= begin_.size()) return {};
    return {orders_.data() + begin_[h], begin_[h + 1] - begin_[h]};
  }

 private:
  friend class BookStore;
  const PriceLevel* levels_ = nullptr;
  std::vector<Order> orders_;        // by (level, arrival)
  std::vector<std::size_t> begin_;   // level handle -> its first order in orders_
};

class BookStore {
 public:
  [[nodiscard]] bool init(const BookConfig& config, std::string& error);

  // --- instruments
  // The instrument of (feed, locate), or kNone.
  [[nodiscard]] std::uint32_t instrument_id(std::uint16_t feed, std::uint16_t locate) const noexcept {
    return feed < config_.max_feeds ? locate_map_[std::size_t{feed} << 16 | locate] : kNone;
  }
  // Creates it (or returns the existing one); kNone when the table is full.
  std::uint32_t add_instrument(std::uint16_t feed, std::uint16_t locate, const char (&symbol)[8]) noexcept;
  [[nodiscard]] Instrument& instrument(std::uint32_t id) noexcept { return instruments_[id]; }
  [[nodiscard]] const Instrument& instrument(std::uint32_t id) const noexcept { return instruments_[id]; }
  [[nodiscard]] std::uint32_t instrument_count() const noexcept { return instrument_count_; }
  // A new symbol for an instrument (an R that contradicts what named it first).
  void rename_instrument(std::uint32_t id, const char (&symbol)[8]) noexcept;
  // Whether a locate of its feed's current session names it. An instrument of an earlier
  // trading day that has not traded since is out of session: no locate, no orders.
  [[nodiscard]] bool in_session(const Instrument& ins) const noexcept {
    return instrument_id(ins.feed, ins.locate) == ins.id;
  }
  // Any thread (the control plane): the instrument a symbol (space padded, as on the wire)
  // names now, or kNone. Reads the symbol directory, which the RX core appends to and
  // publishes with release order, never rewriting an entry.
  [[nodiscard]] std::uint32_t find_instrument(const std::array<char, 8>& symbol) const noexcept;

  // --- trading days
  // A new MoldUDP64 session of `feed`, the next trading day. Locates and order references are
  // valid within one day only, and every order expires at its end, so the feed's books are
  // emptied (without events) and its locates forgotten; each instrument's day state (trading
  // state, Reg SHO, crossed) is cleared. The instruments stay: a symbol named again is mapped
  // back to its instrument, under whatever locate the new day gives it, so what is keyed by
  // instrument (a promotion, a worker's share) carries over and a run of many days does not
  // fill the instrument table. Returns the orders still resting, which are dropped.
  std::size_t begin_day(std::uint16_t feed) noexcept;

  // --- orders
  // A handle names an order until the next add_order, which may move it (OrderTable).
  // References are looked up without their feed: every builder in the product gives its
  // store one feed, and feeds that shared a store would need references that never meet.
  [[nodiscard]] Handle find_order(std::uint64_t reference) const noexcept { return orders_.find(reference); }
  [[nodiscard]] const Order& order(Handle h) const noexcept { return orders_[h]; }
  [[nodiscard]] const PriceLevel& level(Handle h) const noexcept { return levels_[h]; }

  // Hints for a message ahead, from its ticket (see BookBuilder::prefetch): stage 0 when the
  // message is well ahead, 1 a few messages later, 2 just before it is applied. Each stage
  // reads only lines the stage before started loading, and starts the next ones, so no hint
  // waits on a miss; a stale or wrong candidate costs a useless prefetch, never a wrong
  // answer. The stages select the lines to load instead of branching on the message's kind
  // or the book's state, which are random from one message to the next: what one kind does
  // not need is a load of record 0 of a pool (every pool keeps it unused, so it stays in
  // cache) or of a fixed index slot. The builder gives a kNone ticket no stage at all, and
  // every ticket an instrument of the store's (0 or a locate's).
  // Stage 0: the record in the reference's direct slot (the order, or for an add the one the
  // new order displaces), U's new slot, the locate's instrument, an add's price index slot.
  void prefetch_stage0(const PrefetchTicket& t) const noexcept {
    orders_.prefetch(t.reference);
    orders_.prefetch(t.new_reference);
    prefetch_line(&instruments_[t.instrument]);
    const bool add = t.kind == TicketKind::kAdd;
    level_index_.prefetch(level_key(pick(add, t.instrument, 0u), ticket_side(t), pick(add, t.price, 0u)));
  }
  // Stage 1. An order in its direct slot: its level. One that is not: the long-lived index
  // slot that finds it. An add: the long-lived index slot of the live order it displaces, its
  // side's best level (where a walk starts) and the level its price likely joins.
  void prefetch_stage1(const PrefetchTicket& t) const noexcept {
    const Order& o = orders_.candidate(t.reference);
    const bool add = t.kind == TicketKind::kAdd;
    const bool live = o.level != kNone;
    const bool found = OrderTable::holds(o, t.reference);
    const bool long_lived = pick(add, live, !found);
    orders_.prefetch_long_lived(pick(long_lived, pick(add, o.reference, t.reference), std::uint64_t{0}));
    const std::uint32_t id = pick(add, t.instrument, 0u);
    const SideIndex side = ticket_side(t);
    prefetch_line(&levels_[pick(add, instruments_[id].sides[side].best, pick(found, o.level, kNone))]);
    prefetch_line(&levels_[likely_level(id, side, t.price)]);
  }
  // Stage 2. An add: the level past its likely one (a shallow side's walk passes it when the
  // add is not at the touch). An order in its direct slot and last at its level: the
  // neighbour levels that removing the level relinks. One that is not in its slot: the
  // overflow record its long-lived index slot names.
  void prefetch_stage2(const PrefetchTicket& t) const noexcept {
    const Order& o = orders_.candidate(t.reference);
    const bool add = t.kind == TicketKind::kAdd;
    const bool found = OrderTable::holds(o, t.reference);
    const std::uint32_t id = pick(add, t.instrument, 0u);
    const Handle likely = likely_level(id, ticket_side(t), t.price);
    const PriceLevel& l = levels_[pick(add, likely, pick(found, o.level, kNone))];
    const bool empties = !add & found & (l.orders == 1);
    prefetch_line(&levels_[pick(add | empties, l.worse, kNone)]);
    prefetch_line(&levels_[pick(empties, l.better, kNone)]);
    const bool overflowed = !add & !found;
    const Handle overflow = orders_.long_lived_candidate(pick(overflowed, t.reference, std::uint64_t{0}));
    prefetch_line(&orders_[pick(overflowed, overflow, kNone)]);
  }

  // Rests a new order at the back of its price level. Nothing changes unless kAdded.
  AddStatus add_order(std::uint32_t instrument, std::uint64_t reference, SideIndex side, std::uint32_t price,
                      std::uint32_t shares, LevelState& level_out) noexcept;
  // Takes `shares` (<= the order's remaining) off the order; removes it when none remain.
  LevelState reduce_order(Handle order, std::uint32_t shares) noexcept;
  LevelState remove_order(Handle order) noexcept;

  [[nodiscard]] static TopOfBook top_of_book(const Instrument& ins) noexcept {
    const BookSide& bid = ins.sides[kBidSide];
    const BookSide& ask = ins.sides[kAskSide];
    return TopOfBook{bid.best_price, ask.best_price, bid.best_shares, ask.best_shares};
  }

  // --- capacity and occupancy
  [[nodiscard]] std::size_t live_orders() const noexcept { return live_orders_; }
  [[nodiscard]] std::size_t live_levels() const noexcept { return live_levels_; }
  // Levels in the price index: those of sides deeper than kWalkedLevels (and those such a
  // side kept as it shrank).
  [[nodiscard]] std::size_t indexed_levels() const noexcept { return level_index_.size(); }
  [[nodiscard]] std::size_t peak_orders() const noexcept { return peak_orders_; }
  [[nodiscard]] std::size_t peak_levels() const noexcept { return peak_levels_; }
  [[nodiscard]] const BookConfig& config() const noexcept { return config_; }
  // Bytes reserved for books (virtual; resident only once touched unless prefaulted).
  [[nodiscard]] std::size_t reserved_bytes() const noexcept;
  // Whether the order table got reserved huge pages (asked for, and enough free).
  [[nodiscard]] bool on_huge_pages() const noexcept { return orders_.huge_pages(); }
  // What the order table reserves per order it can hold: direct slots, overflow region and
  // long-lived index together. One order stored is one 32-byte record (sizeof(Order)).
  [[nodiscard]] double bytes_per_order() const noexcept {
    return static_cast<double>(orders_.bytes()) / static_cast<double>(config_.max_orders);
  }
  // Orders that outlived their direct slot (OrderTable).
  [[nodiscard]] std::size_t long_lived_orders() const noexcept { return orders_.long_lived(); }

  [[nodiscard]] LevelQueues queues() const;
  // Visits the levels of one side from the best price outwards.
  template <class Fn>
  void for_each_level(const Instrument& ins, SideIndex side, Fn&& fn) const {
    for (Handle h = ins.sides[side].best; h != kNone; h = levels_[h].worse) fn(levels_[h]);
  }

 private:
  [[nodiscard]] static constexpr std::uint64_t level_key(std::uint32_t instrument, SideIndex side, std::uint32_t price) noexcept {
    return (std::uint64_t{instrument} << 33) | (std::uint64_t{side} << 32) | price;
  }
  // The level an add at `price` likely joins (hints only): in an indexed side, the index's
  // candidate for the price; in a shallow side (never indexed, see kWalkedLevels) the best
  // level, where most adds land. Both are read, then one is chosen: the slot was loaded by
  // stage 0, and a branch on the side's depth mispredicted.
  [[nodiscard]] Handle likely_level(std::uint32_t instrument, SideIndex side, std::uint32_t price) const noexcept {
    const BookSide& bs = instruments_[instrument].sides[side];
    const Handle indexed = level_index_.candidate(level_key(instrument, side, price));
    return pick(bs.levels > kWalkedLevels, indexed, bs.best);
  }
  // `c ? a : b` computed with a mask: GCC turns a ternary or an && on a random condition
  // into a branch, which the hint stages exist to avoid (both values are at hand anyway).
  template <class T>
  [[nodiscard]] static T pick(bool c, T a, T b) noexcept {
    using U = std::make_unsigned_t<T>;
    const U mask = U{0} - static_cast<U>(c);
    return static_cast<T>(static_cast<U>(b) ^ ((static_cast<U>(a) ^ static_cast<U>(b)) & mask));
  }
  [[nodiscard]] static bool pick(bool c, bool a, bool b) noexcept { return (c & a) | (!c & b); }
  [[nodiscard]] static SideIndex ticket_side(const PrefetchTicket& t) noexcept { return t.bid ? kBidSide : kAskSide; }
  [[nodiscard]] static bool better(SideIndex side, std::uint32_t a, std::uint32_t b) noexcept {
    return side == kBidSide ? a > b : a < b;
  }
  // The level of `price` on one side of a book, opened if absent (kNone: no room).
  Handle level_for(Instrument& ins, SideIndex side, std::uint32_t price) noexcept;
  // Links a new level between `after` (better) and `before` (worse).
  Handle open_level(Instrument& ins, SideIndex side, std::uint32_t price, Handle after, Handle before) noexcept;
  // A side with at most this many levels is walked from the best, never looked up in the
  // price index, so its levels stay out of it (an index update is a cache miss of its own,
  // per level opened and closed); once a side grows past it, all its levels are indexed and
  // an add asks the index first.
  static constexpr unsigned kWalkedLevels = 8;
  void index_side(Instrument& ins, SideIndex side) noexcept;
  void index_level(Handle h) noexcept;
  void remove_level(Handle h) noexcept;
  // Frees every level of one side, without events (a day's end; its orders go separately).
  void clear_side(BookSide& bs) noexcept;
  // After the best level of a side changed or its shares did.
  void refresh_best(BookSide& bs) noexcept;
  [[nodiscard]] LevelState state_of(Handle h) const noexcept {
    const PriceLevel& l = levels_[h];
    return LevelState{l.price, l.shares, l.orders, static_cast<SideIndex>(l.side), false};
  }

  BookConfig config_{};
  OrderTable orders_;
  MappedArray<PriceLevel> levels_;
  MappedArray<Instrument> instruments_;
  MappedArray<std::uint32_t> locate_map_;  // (feed << 16 | locate) -> instrument id
  struct LevelKeyOf {
    const PriceLevel* levels = nullptr;
    [[nodiscard]] std::uint64_t operator()(std::uint32_t h) const noexcept {
      return level_key(levels[h].instrument, static_cast<SideIndex>(levels[h].side), levels[h].price);
    }
  };
  // (feed, symbol) as one exact 64-bit key, for mapping a symbol back to its instrument on a
  // later day: ITCH symbols are printable ASCII, 7 bits a character. False for a symbol with
  // any other byte (or a feed past 255), which then gets a new instrument each day.
  [[nodiscard]] static bool symbol_key(std::uint16_t feed, const std::array<char, 8>& symbol,
                                       std::uint64_t& key) noexcept {
    if (feed > 0xFF) return false;
    key = feed;
    for (const char ch : symbol) {
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x80) return false;
      key = key << 7 | c;
    }
    return true;
  }
  struct SymbolKeyOf {
    const Instrument* instruments = nullptr;
    [[nodiscard]] std::uint64_t operator()(std::uint32_t h) const noexcept {
      std::uint64_t key = 0;
      (void)symbol_key(instruments[h].feed, instruments[h].symbol, key);  // indexed only when it has one
      return key;
    }
  };
  void index_symbol(std::uint32_t id) noexcept;
  // An instrument of an earlier day named `symbol` and out of session, or kNone.
  [[nodiscard]] std::uint32_t earlier_namesake(std::uint16_t feed, const std::array<char, 8>& symbol) const noexcept;
  void unindex_symbol(std::uint32_t id) noexcept;

  FlatIndex<LevelKeyOf> level_index_;      // (instrument, side, price) -> level
  FlatIndex<SymbolKeyOf> symbol_index_;    // (feed, symbol) -> the instrument that last held it
  Handle free_levels_ = kNone;
  Handle next_fresh_level_ = 1;  // handles never used yet: their pages stay untouched until needed
  std::uint64_t arrivals_ = 0;   // adds so far: the last Order::arrival handed out
  std::uint32_t instrument_count_ = 0;
  // Symbol directory for other threads: (symbol, id) entries, appended, never rewritten.
  struct DirectoryEntry {
    std::array<char, 8> symbol;
    std::uint32_t id;
  };
  void publish_symbol(std::uint32_t id, const char (&symbol)[8]) noexcept;
  MappedArray<DirectoryEntry> directory_;
  std::atomic<std::uint32_t> directory_size_{0};
  std::size_t live_orders_ = 0;
  std::size_t live_levels_ = 0;
  std::size_t peak_orders_ = 0;
  std::size_t peak_levels_ = 0;
};

}  // namespace tickwire::book
