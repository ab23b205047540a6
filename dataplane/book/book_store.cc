#include "dataplane/book/book_store.h"

#include <algorithm>
#include <cstring>

namespace tickwire::book {

bool BookStore::init(const BookConfig& config, std::string& error) {
  config_ = config;
  if (config.max_orders > OrderTable::kMaxOrders) {
    error = "max_orders=" + std::to_string(config.max_orders) + " is above the most the order table can name (" +
            std::to_string(OrderTable::kMaxOrders) + ")";
    return false;
  }
  // Handle 0 is "none" in every pool, hence the + 1 (the order table adds its own).
  const bool huge = config.huge_pages;
  orders_ = OrderTable(config.max_orders, config.prefault, huge);
  levels_ = MappedArray<PriceLevel>(config.max_levels + 1, config.prefault, huge);
  instruments_ = MappedArray<Instrument>(config.max_instruments + 1, config.prefault, huge);
  locate_map_ = MappedArray<std::uint32_t>(config.max_feeds << 16, config.prefault, huge);
  level_index_ = FlatIndex<LevelKeyOf>(config.max_levels, LevelKeyOf{levels_.data()}, config.prefault, huge);
  symbol_index_ = FlatIndex<SymbolKeyOf>(config.max_instruments, SymbolKeyOf{instruments_.data()}, config.prefault);
  // Every instrument once, and room for as many renames.
  directory_ = MappedArray<DirectoryEntry>(2 * config.max_instruments + 1);
  directory_size_.store(0, std::memory_order_relaxed);
  if (!orders_.ok() || !levels_.ok() || !instruments_.ok() || !locate_map_.ok() ||
      !level_index_.ok() || !symbol_index_.ok() || !directory_.ok()) {
    error = "cannot reserve " + std::to_string(reserved_bytes() >> 20) +
            " MiB for books (max_orders=" + std::to_string(config.max_orders) +
            ", max_levels=" + std::to_string(config.max_levels) + ")";
    return false;
  }
  return true;
}

std::size_t BookStore::reserved_bytes() const noexcept {
  return orders_.bytes() + levels_.bytes() + instruments_.bytes() + locate_map_.bytes() +
         level_index_.bytes() + symbol_index_.bytes();
}

std::uint32_t BookStore::add_instrument(std::uint16_t feed, std::uint16_t locate, const char (&symbol)[8]) noexcept {
  if (feed >= config_.max_feeds) return kNone;
  std::uint32_t& slot = locate_map_[std::size_t{feed} << 16 | locate];
  if (slot != kNone) return slot;
  std::array<char, 8> name;
  std::memcpy(name.data(), symbol, name.size());
  // A symbol of an earlier day comes back to its instrument (unless a locate of this day
  // already has it: two locates, one name, is two instruments).
  if (std::uint64_t key; symbol_key(feed, name, key)) {
    std::uint32_t id = symbol_index_.find(key);
    if (id != kNone && in_session(instruments_[id])) id = earlier_namesake(feed, name);
    if (id != kNone) {
      instruments_[id].locate = locate;
      slot = id;
      return id;
    }
  }
  if (instrument_count_ == config_.max_instruments) return kNone;
  const std::uint32_t id = ++instrument_count_;
  Instrument& ins = instruments_[id];
  ins.symbol = name;
  ins.first_symbol = name;
  ins.id = id;
  ins.feed = feed;
  ins.locate = locate;
  ins.first_locate = locate;
  slot = id;
  index_symbol(id);
  publish_symbol(id, symbol);
  return id;
}

std::uint32_t BookStore::earlier_namesake(std::uint16_t feed, const std::array<char, 8>& symbol) const noexcept {
  // Only when a name is held by two locates on one day (rare): a walk of the table beats
  // keeping a chain per name in every instrument.
  for (std::uint32_t id = 1; id <= instrument_count_; ++id) {
    const Instrument& ins = instruments_[id];
    if (ins.feed == feed && ins.symbol == symbol && !in_session(ins)) return id;
  }
  return kNone;
}

void BookStore::rename_instrument(std::uint32_t id, const char (&symbol)[8]) noexcept {
  unindex_symbol(id);
  std::memcpy(instruments_[id].symbol.data(), symbol, 8);
  index_symbol(id);
  publish_symbol(id, symbol);
}

void BookStore::index_symbol(std::uint32_t id) noexcept {
  const Instrument& ins = instruments_[id];
  std::uint64_t key;
  if (!symbol_key(ins.feed, ins.symbol, key)) return;
  // The newest holder of a name wins it: the index has room for every instrument once.
  if (const std::uint32_t holder = symbol_index_.find(key); holder != kNone) symbol_index_.erase(key);
  symbol_index_.insert(key, id);
}

void BookStore::unindex_symbol(std::uint32_t id) noexcept {
  const Instrument& ins = instruments_[id];
  std::uint64_t key;
  if (symbol_key(ins.feed, ins.symbol, key) && symbol_index_.find(key) == id) symbol_index_.erase(key);
}

std::size_t BookStore::begin_day(std::uint16_t feed) noexcept {
  if (feed >= config_.max_feeds) return 0;
  std::size_t resting = 0;
  for (std::uint32_t id = 1; id <= instrument_count_; ++id) {
    Instrument& ins = instruments_[id];
    if (ins.feed != feed) continue;
    for (BookSide& bs : ins.sides) clear_side(bs);
    resting += ins.orders;
    ins.orders = 0;
    ins.trading_state = 0;
    ins.reg_sho_action = 0;
    ins.from_directory = false;
    ins.crossed = false;
  }
  // Orders do not hang off their levels, so the feed's are found by a scan of the table:
  // once a day, at the first message of the next, and only when some were left resting.
  const std::size_t dropped =
      resting == 0 ? 0 : orders_.release_where([&](const Order& o) { return instruments_[o.instrument].feed == feed; });
  live_orders_ -= dropped;
  for (std::size_t locate = 0; locate <= 0xFFFF; ++locate) locate_map_[std::size_t{feed} << 16 | locate] = kNone;
  if (live_orders_ == 0) orders_.forget_references();
  return dropped;
}

void BookStore::clear_side(BookSide& bs) noexcept {
  for (Handle lh = bs.best; lh != kNone;) {
    PriceLevel& l = levels_[lh];
    const Handle worse = l.worse;
    if (l.indexed) level_index_.erase(level_key(l.instrument, static_cast<SideIndex>(l.side), l.price));
    l.worse = free_levels_;
    free_levels_ = lh;
    --live_levels_;
    lh = worse;
  }
  bs = BookSide{};
}

LevelQueues BookStore::queues() const {
  LevelQueues q;
  q.levels_ = levels_.data();
  q.orders_.reserve(live_orders_);
  orders_.for_each_live([&](Handle, const Order& o) { q.orders_.push_back(o); });
  std::sort(q.orders_.begin(), q.orders_.end(), [](const Order& a, const Order& b) {
    return a.level != b.level ? a.level < b.level : a.arrival < b.arrival;
  });
  q.begin_.assign(std::size_t{next_fresh_level_} + 1, 0);
  for (const Order& o : q.orders_) ++q.begin_[std::size_t{o.level} + 1];
  for (std::size_t h = 1; h < q.begin_.size(); ++h) q.begin_[h] += q.begin_[h - 1];
  return q;
}

void BookStore::publish_symbol(std::uint32_t id, const char (&symbol)[8]) noexcept {
  const std::uint32_t size = directory_size_.load(std::memory_order_relaxed);
  if (size == directory_.capacity()) return;  // renames beyond one per instrument: not found by name
  DirectoryEntry& entry = directory_[size];
  std::memcpy(entry.symbol.data(), symbol, 8);
  entry.id = id;
  directory_size_.store(size + 1, std::memory_order_release);
}

std::uint32_t BookStore::find_instrument(const std::array<char, 8>& symbol) const noexcept {
  // The latest entry wins: a renamed instrument answers to its new name (and its old one,
  // until another instrument takes it).
  for (std::uint32_t i = directory_size_.load(std::memory_order_acquire); i > 0; --i) {
    if (directory_[i - 1].symbol == symbol) return directory_[i - 1].id;
  }
  return kNone;
}

Handle BookStore::level_for(Instrument& ins, SideIndex side, std::uint32_t price) noexcept {
  BookSide& bs = ins.sides[side];
  Handle after = kNone;
  Handle at = bs.best;
  if (bs.levels <= kWalkedLevels) {
    // A shallow side is not indexed: its levels are walked from the best, and most adds
    // join or open a level at or near the touch.
    while (at != kNone) {
      const std::uint32_t p = levels_[at].price;
      if (p == price) return at;
      if (!better(side, p, price)) break;
      after = at;
      at = levels_[at].worse;
    }
    return open_level(ins, side, price, after, at);
  }
  // An indexed side asks the index first: its slot and candidate level are what the
  // prefetch stages loaded, where a walk from the best would miss on every level it passes.
  if (const Handle existing = level_index_.find(level_key(ins.id, side, price)); existing != kNone) return existing;
  // A new level: beyond the worst it goes straight to the end, otherwise its place is found
  // by walking from the best.
  if (better(side, levels_[bs.worst].price, price)) return open_level(ins, side, price, bs.worst, kNone);
  while (at != kNone && better(side, levels_[at].price, price)) {
    after = at;
    at = levels_[at].worse;
  }
  return open_level(ins, side, price, after, at);
}

Handle BookStore::open_level(Instrument& ins, SideIndex side, std::uint32_t price, Handle after,
                             Handle before) noexcept {
  Handle h = free_levels_;
  if (h != kNone) {
    free_levels_ = levels_[h].worse;
  } else if (next_fresh_level_ <= config_.max_levels) {
    h = next_fresh_level_++;
  } else {
    return kNone;
  }
  PriceLevel& l = levels_[h];
  l = PriceLevel{};
  l.price = price;
  l.instrument = ins.id;
  l.side = static_cast<std::uint8_t>(side);
  l.better = after;
  l.worse = before;
  BookSide& bs = ins.sides[side];
  if (after != kNone) {
    levels_[after].worse = h;
  } else {
    bs.best = h;
    bs.best_price = price;
    bs.best_shares = 0;
  }
  if (before != kNone) {
    levels_[before].better = h;
  } else {
    bs.worst = h;
  }
  ++bs.levels;
  peak_levels_ = std::max(peak_levels_, ++live_levels_);
  if (bs.levels == kWalkedLevels + 1) {
    index_side(ins, side);  // the levels opened while the side was shallow
  } else if (bs.levels > kWalkedLevels) {
    index_level(h);
  }
  return h;
}

void BookStore::index_level(Handle h) noexcept {
  PriceLevel& l = levels_[h];
  level_index_.insert(level_key(l.instrument, static_cast<SideIndex>(l.side), l.price), h);
  l.indexed = true;
}

void BookStore::index_side(Instrument& ins, SideIndex side) noexcept {
  // Each level is indexed once in its life, so this walk is paid for by the opens it follows.
  for (Handle h = ins.sides[side].best; h != kNone; h = levels_[h].worse) {
    if (!levels_[h].indexed) index_level(h);
  }
}

void BookStore::refresh_best(BookSide& bs) noexcept {
  if (bs.best == kNone) {
    bs.best_price = 0;
    bs.best_shares = 0;
  } else {
    bs.best_price = levels_[bs.best].price;
    bs.best_shares = levels_[bs.best].shares;
  }
}

void BookStore::remove_level(Handle h) noexcept {
  PriceLevel& l = levels_[h];
  Instrument& ins = instruments_[l.instrument];
  BookSide& bs = ins.sides[l.side];
  if (l.better != kNone) {
    levels_[l.better].worse = l.worse;
  } else {
    bs.best = l.worse;
    refresh_best(bs);
  }
  if (l.worse != kNone) {
    levels_[l.worse].better = l.better;
  } else {
    bs.worst = l.better;
  }
  --bs.levels;
  --live_levels_;
  if (l.indexed) level_index_.erase(level_key(l.instrument, static_cast<SideIndex>(l.side), l.price));
  l.worse = free_levels_;
  free_levels_ = h;
}

AddStatus BookStore::add_order(std::uint32_t instrument, std::uint64_t reference, SideIndex side,
                               std::uint32_t price, std::uint32_t shares, LevelState& level_out) noexcept {
  if (orders_.may_contain(reference) && orders_.find(reference) != kNone) return AddStatus::kDuplicateReference;
  if (live_orders_ >= config_.max_orders || !orders_.can_place(reference)) return AddStatus::kNoOrderRoom;

  Instrument& ins = instruments_[instrument];
  const Handle lh = level_for(ins, side, price);
  if (lh == kNone) return AddStatus::kNoLevelRoom;

  Order& o = orders_[orders_.place(reference)];
  o.reference = reference;
  o.arrival = ++arrivals_;
  o.shares = shares;
  o.level = lh;
  o.instrument = instrument;
  PriceLevel& l = levels_[lh];
  ++l.orders;
  l.shares += shares;
  if (ins.sides[side].best == lh) ins.sides[side].best_shares = l.shares;
  ++ins.orders;
  peak_orders_ = std::max(peak_orders_, ++live_orders_);
  level_out = state_of(lh);
  return AddStatus::kAdded;
}

LevelState BookStore::remove_order(Handle oh) noexcept {
  Order& o = orders_[oh];
  const Handle lh = o.level;
  PriceLevel& l = levels_[lh];
  --l.orders;
  l.shares -= o.shares;
  Instrument& ins = instruments_[o.instrument];
  --ins.orders;
  --live_orders_;
  orders_.release(oh);

  LevelState after = state_of(lh);
  if (l.orders == 0) {
    after.removed = true;
    remove_level(lh);
  } else if (BookSide& bs = ins.sides[l.side]; bs.best == lh) {
    bs.best_shares = l.shares;
  }
  return after;
}

LevelState BookStore::reduce_order(Handle oh, std::uint32_t shares) noexcept {
  Order& o = orders_[oh];
  if (shares >= o.shares) return remove_order(oh);
  o.shares -= shares;
  PriceLevel& l = levels_[o.level];
  l.shares -= shares;
  if (BookSide& bs = instruments_[o.instrument].sides[l.side]; bs.best == o.level) bs.best_shares = l.shares;
  return state_of(o.level);
}

}  // namespace tickwire::book
