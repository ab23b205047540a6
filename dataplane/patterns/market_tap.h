// On the RX core, between the book builder and the sink after it (the inline pipeline or the
// router): each message's events become the compact market updates the pattern layer reads,
// written once into the feed's broadcast ring, then the events go on unchanged.
//
// Which updates: an instrument named (R, or the first add of a locate), the top of book after
// a message, prints (displayed, hidden, cross; not a non-printable C, part of a print already
// counted), trading-state changes (H, h), and, with `levels` > 0, changes of the levels
// within the top `levels` of a side. Times are the feed's clamped exchange clock (a
// timestamp anomaly never moves it), on the session's date.
//
// A full ring: in replay the RX core waits for the slowest pattern thread (nothing depends
// on timing); live it never waits: a top of book is kept aside and written, the latest one
// per instrument, once there is room (conflated); any other update that finds no room is
// lost, counted, and a kFeedStale record goes out first when room returns, so the pattern
// layer holds the feed's legs stale until their next top of book.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "dataplane/book/book_store.h"
#include "dataplane/core/cpu_relax.h"
#include "dataplane/core/mapped_array.h"
#include "dataplane/events/event.h"
#include "dataplane/events/stream_key.h"
#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/feed_merge.h"
#include "dataplane/patterns/market_update.h"

namespace tickwire::patterns {

struct MarketTapConfig {
  std::uint16_t feed_rank = 0;
  std::uint32_t levels = 0;        // level changes within the top N of a side (0: none)
  std::uint64_t day_start_ns = 0;  // the session's midnight Eastern as ns since the epoch
  std::int64_t clock_offset_ns = 0;
  bool live = false;               // never wait: conflate tops, count and mark losses
  std::uint32_t max_instruments = 0;
  // Live: where the RX core says how far its feed has come (feed_merge.h), and how far a
  // quiet feed's exchange clock may trail the wall clock before the watermark moves on.
  FeedWatermark* watermark = nullptr;
  std::uint64_t skew_ns = 0;
};

struct MarketTapCounters {
  std::uint64_t updates = 0;         // written
  std::uint64_t full_waits = 0;      // replay: times the RX core waited for a pattern thread
  std::uint64_t conflated = 0;       // live: tops replaced by a later one while waiting for room
  std::uint64_t lost = 0;            // live: trades, states, levels, names that found no room
  std::uint64_t stale_marks = 0;     // live: kFeedStale records written after losses
  std::uint64_t seeded = 0;          // snapshot joins the books were seeded from
};

class MarketTap {
 public:
  MarketTap(const MarketTapConfig& config, BroadcastRing<MarketUpdate>& ring, const book::BookStore& books)
      : config_(config), ring_(ring), books_(books), pending_(config.live ? config.max_instruments : 0),
        pending_list_(config.live ? config.max_instruments : 0) {}

  [[nodiscard]] bool ok() const noexcept {
    return !config_.live || (pending_.ok() && pending_list_.ok());
  }

  // One message's events, as the book builder hands them over (before the next sink).
  // `arrival_ns`: when it arrived (intended, paced; received, live) on the process clock, for
  // the latency to a pattern signal; 0: not measured.
  void message(std::span<const events::Event> m, std::uint64_t arrival_ns = 0) noexcept {
    if (m.empty()) return;
    const events::Event& first = m.front();
    const bool anomalous = (first.flags & events::kTimestampAnomaly) != 0;
    if (!anomalous && first.exchange_time_ns > clock_ns_) {
      clock_ns_ = first.exchange_time_ns;
      clock_moved_ = true;
    }
    const std::uint64_t key = keys_.message(first.sequence);
    const std::uint64_t time = now_time();
    // Live: the least delay from the exchange's stamp to receipt seen so far (on the process
    // clock, whatever its base): what lets a quiet feed's watermark follow the wall clock.
    if (config_.live && !anomalous && first.receive_time_ns != 0) {
      const std::int64_t delay = static_cast<std::int64_t>(first.receive_time_ns - time);
      if (!has_delay_ || delay < least_delay_) least_delay_ = delay;
      has_delay_ = true;
    }
    // Each update waits for the next, so the message's last one goes out flagged.
    bool holding = false;
    for (const events::Event& e : m) {
      MarketUpdate u;
      if (!translate(e, u)) continue;
      u.time_ns = time;
      u.sequence = key;
      u.feed = config_.feed_rank;
      u.event_index = e.event_index;
      u.flags = static_cast<std::uint8_t>(((e.flags & events::kBookSuspect) ? kBookSuspect : 0) |
                                          ((e.flags & events::kVolatile) ? kVolatileUpdate : 0) |
                                          (arrival_ns != 0 ? kTimed : 0));
      u.arrival_low = static_cast<std::uint32_t>(arrival_ns);
      if (holding) emit(held_);
      held_ = u;
      holding = true;
    }
    if (holding) {
      held_.flags |= kLastOfMessage;
      emit(held_);
    }
  }

  // After a snapshot join (the books filled silently): every instrument the books hold, named,
  // with its top of book and trading state, keyed before the first message after the resume
  // point, so the pattern layer starts from the market as the snapshot left it.
  void seed() noexcept {
    const std::uint64_t time = now_time();
    const std::uint64_t key = keys_.last();
    for (std::uint32_t id = 1; id <= books_.instrument_count(); ++id) {  // ids start at 1
      const book::Instrument& ins = books_.instrument(id);
      auto seeded = [&](UpdateKind kind) {
        MarketUpdate u{};
        u.time_ns = time;
        u.sequence = key;
        u.feed = config_.feed_rank;
        u.instrument = id;
        u.kind = kind;
        return u;
      };
      MarketUpdate named = seeded(UpdateKind::kInstrument);
      std::memset(named.named.symbol, ' ', sizeof named.named.symbol);
      std::memcpy(named.named.symbol, ins.symbol.data(), ins.symbol.size());
      emit(named);
      const book::TopOfBook top = book::BookStore::top_of_book(ins);
      if (top.bid_price != 0 || top.ask_price != 0) {
        MarketUpdate t = seeded(UpdateKind::kTopOfBook);
        t.top.bid = Price8{top.bid_price} * kPrice8PerItch;
        t.top.bid_size = top.bid_shares;
        t.top.ask = Price8{top.ask_price} * kPrice8PerItch;
        t.top.ask_size = top.ask_shares;
        emit(t);
      }
      if (ins.trading_state != 0) {
        MarketUpdate st = seeded(UpdateKind::kTradingState);
        st.extra = static_cast<std::uint8_t>(state_of(ins.trading_state));
        st.state.code[0] = 'H';
        st.state.code[1] = ins.trading_state;
        emit(st);
      }
    }
    ++counters_.seeded;
    ring_.publish();
  }

  // The next trading day: what the pattern layer knew of this feed's instruments is gone.
  void day_begins() noexcept {
    clock_ns_ = 0;
    clock_moved_ = false;
    has_delay_ = false;  // measured again on the new day's stamps
    MarketUpdate u{};
    u.kind = UpdateKind::kDayBegins;
    u.feed = config_.feed_rank;
    u.time_ns = now_time();
    u.sequence = keys_.last() + 1;
    u.flags = kLastOfMessage;
    emit(u);
  }

  // The end of a burst (or a poll that brought nothing): what is written becomes visible,
  // live what waited for room goes out while there is room, and then the watermark moves:
  // to the feed's last time while a sequence hole is open (what the hole holds back may come
  // below anything later), otherwise to the greater of that and the receive clock now
  // (`wall_ns`, the process clock receive times are on) less the least exchange-to-receive
  // delay seen and the skew: a quiet venue holds the merge for the skew, not until it speaks.
  void publish(std::uint64_t wall_ns = 0, bool hole_open = false) noexcept {
    if (config_.live) flush_pending(now_time(), keys_.last());
    ring_.publish();
    if (!config_.live) return;
    // The records before the watermark that vouches for them (the merge reads in that order).
    std::uint64_t mark = clock_moved_ ? now_time() : 0;
    if (!hole_open && has_delay_ && wall_ns != 0) {
      const std::int64_t quiet = static_cast<std::int64_t>(wall_ns) - least_delay_ -
                                 static_cast<std::int64_t>(config_.skew_ns);
      if (quiet > 0) mark = std::max(mark, static_cast<std::uint64_t>(quiet));
    }
    raise_watermark(mark);
  }
  void idle(std::uint64_t wall_ns, bool hole_open = false) noexcept { publish(wall_ns, hole_open); }
  void finish() noexcept {
    if (config_.live) flush_pending(now_time(), keys_.last());
    ring_.close();
  }
  [[nodiscard]] std::uint64_t day_start() const noexcept { return config_.day_start_ns; }
  // A gap declared between messages: keyed as the router keys it (a gap at or below the last
  // sequence starts a new session's keys).
  void gap(std::uint64_t first, std::uint64_t last) noexcept { keys_.gap(first, last); }
  // A new session starts the day's clock again (called with the session's midnight, before
  // day_begins()).
  void set_day_start(std::uint64_t ns) noexcept { config_.day_start_ns = ns; }
  [[nodiscard]] std::uint64_t now_time() const noexcept {
    return config_.day_start_ns + clock_ns_ + static_cast<std::uint64_t>(config_.clock_offset_ns);
  }

  [[nodiscard]] const MarketTapCounters& counters() const noexcept { return counters_; }

 private:
  // Stream keys as the router gives them (session ordinal above the sequence), kept here too
  // so that the inline layout, which has no router, keys alike.
  class Keys {
   public:
    std::uint64_t message(std::uint64_t sequence) noexcept {
      last_ = keys_.message(sequence & events::kMaxKeyedSequence);
      return last_;
    }
    void gap(std::uint64_t first, std::uint64_t last) noexcept {
      (void)keys_.gap(first & events::kMaxKeyedSequence, last & events::kMaxKeyedSequence);
    }
    [[nodiscard]] std::uint64_t last() const noexcept { return last_; }

   private:
    events::StreamKeys keys_;
    std::uint64_t last_ = 0;
  };

  bool translate(const events::Event& e, MarketUpdate& u) noexcept {
    u = MarketUpdate{};
    u.instrument = e.instrument;
    switch (e.kind) {
      case events::EventKind::kInstrumentAdded:
        u.kind = UpdateKind::kInstrument;
        std::memset(u.named.symbol, ' ', sizeof u.named.symbol);
        std::memcpy(u.named.symbol, e.symbol, sizeof e.symbol);
        u.named.round_lot = static_cast<std::uint32_t>(e.quantity);
        return true;
      case events::EventKind::kTopOfBook:
        u.kind = UpdateKind::kTopOfBook;
        u.top.bid = Price8{e.price} * kPrice8PerItch;
        u.top.bid_size = e.quantity;
        u.top.ask = Price8{e.other_price} * kPrice8PerItch;
        u.top.ask_size = e.other_quantity;
        return true;
      case events::EventKind::kTrade:
        if (e.flags & events::kNonPrintable) return false;  // part of a print counted elsewhere
        u.kind = UpdateKind::kTrade;
        u.trade.price = Price8{e.price} * kPrice8PerItch;
        u.trade.shares = e.quantity;
        u.side = static_cast<std::uint8_t>(e.side);
        u.extra = static_cast<std::uint8_t>((e.flags & events::kHiddenTrade)  ? TradeKind::kHidden
                                            : (e.flags & events::kCrossTrade) ? TradeKind::kCross
                                                                               : TradeKind::kDisplayed);
        return true;
      case events::EventKind::kTradingState:
        if (e.source_type != 'H' && e.source_type != 'h') return false;  // Reg SHO, LULD collars: not a state
        u.kind = UpdateKind::kTradingState;
        u.extra = static_cast<std::uint8_t>(trading_state(e));
        u.state.code[0] = static_cast<char>(e.source_type);
        u.state.code[1] = static_cast<char>(e.code);
        u.state.code[2] = static_cast<char>(e.code2);
        return true;
      case events::EventKind::kLevelChange: {
        if (config_.levels == 0) return false;
        const std::uint32_t depth = depth_of(e);
        if (depth >= config_.levels) return false;
        u.kind = UpdateKind::kLevel;
        u.side = static_cast<std::uint8_t>(e.side);
        u.extra = static_cast<std::uint8_t>(depth);
        u.level.price = Price8{e.price} * kPrice8PerItch;
        u.level.shares = (e.flags & events::kLevelRemoved) ? 0 : e.quantity;
        u.level.orders = (e.flags & events::kLevelRemoved) ? 0 : e.order_count;
        return true;
      }
      default:
        return false;
    }
  }

  static TradingState trading_state(const events::Event& e) noexcept {
    if (e.source_type == 'h') return e.code == 'H' ? TradingState::kHalted : TradingState::kTrading;
    return state_of(static_cast<char>(e.code));
  }
  static TradingState state_of(char code) noexcept {
    switch (code) {
      case 'H': return TradingState::kHalted;
      case 'P': return TradingState::kPaused;
      case 'Q': return TradingState::kQuotationOnly;
      case 'T': return TradingState::kTrading;
      default: return TradingState::kUnknown;
    }
  }

  // How many better levels its side holds now (a removed level: where it was). Walks at
  // most `levels` records from the touch: the book is the RX core's own.
  [[nodiscard]] std::uint32_t depth_of(const events::Event& e) const noexcept {
    const book::Instrument& ins = books_.instrument(e.instrument);
    const book::SideIndex side = e.side == events::Side::kBid ? book::kBidSide : book::kAskSide;
    book::Handle h = ins.sides[side].best;
    std::uint32_t depth = 0;
    while (h != book::kNone && depth < config_.levels) {
      const book::PriceLevel& level = books_.level(h);
      const bool better = side == book::kBidSide ? level.price > e.price : level.price < e.price;
      if (!better) break;
      ++depth;
      h = level.worse;
    }
    return depth;
  }

  void emit(const MarketUpdate& u) noexcept {
    // Live, what waits for room goes first, so the ring stays in key order.
    if (TW_UNLIKELY(pending_count_ != 0 || stale_owed_)) flush_pending(u.time_ns, u.sequence);
    if (TW_LIKELY(pending_count_ == 0 && !stale_owed_ && ring_.try_write(u))) {
      ++counters_.updates;
      return;
    }
    if (!config_.live) {
      ++counters_.full_waits;
      ring_.publish();  // a pattern thread can only make room for what it sees
      while (!ring_.try_write(u)) cpu_relax();
      ++counters_.updates;
      return;
    }
    if (u.kind == UpdateKind::kTopOfBook && u.instrument < pending_.capacity()) {
      Pending& p = pending_[u.instrument];
      if (p.waiting) {
        ++counters_.conflated;
      } else {
        pending_list_[pending_count_++] = u.instrument;
        p.waiting = true;
      }
      p.update = u;
      return;
    }
    ++counters_.lost;
    stale_owed_ = true;
  }

  // Live: the stale mark owed, then the tops that waited, each stamped with the key of now
  // (`time`, `sequence`): it is the security's top as of now, and the ring stays in order.
  void flush_pending(std::uint64_t time, std::uint64_t sequence) noexcept {
    if (stale_owed_) {
      MarketUpdate stale{};
      stale.kind = UpdateKind::kFeedStale;
      stale.feed = config_.feed_rank;
      stale.time_ns = time;
      stale.sequence = sequence;
      stale.flags = kLastOfMessage;
      if (!ring_.try_write(stale)) return;
      stale_owed_ = false;
      ++counters_.stale_marks;
    }
    while (pending_count_ != 0) {
      const std::uint32_t instrument = pending_list_[pending_count_ - 1];
      Pending& p = pending_[instrument];
      p.update.time_ns = time;
      p.update.sequence = sequence;
      p.update.event_index = 0;
      if (!ring_.try_write(p.update)) return;
      ++counters_.updates;
      p.waiting = false;
      --pending_count_;
    }
  }

  struct Pending {
    MarketUpdate update;
    bool waiting;
  };

  MarketTapConfig config_;
  BroadcastRing<MarketUpdate>& ring_;
  const book::BookStore& books_;
  Keys keys_;
  std::uint64_t clock_ns_ = 0;  // the feed's clamped exchange clock, ns since midnight
  MarketUpdate held_{};
  MappedArray<Pending> pending_;            // live: the latest top per instrument waiting for room
  MappedArray<std::uint32_t> pending_list_;  // live: which instruments wait
  std::uint32_t pending_count_ = 0;
  bool stale_owed_ = false;
  bool clock_moved_ = false;            // live: the clock has moved since the day began
  bool has_delay_ = false;
  std::int64_t least_delay_ = 0;        // live: receive time less merge time, the least seen

  void raise_watermark(std::uint64_t time) noexcept {
    if (config_.watermark == nullptr) return;
    if (time > config_.watermark->time_ns.load(std::memory_order_relaxed)) {
      config_.watermark->time_ns.store(time, std::memory_order_release);
    }
  }
  MarketTapCounters counters_;
};

}  // namespace tickwire::patterns
