// ITCH messages in, books updated and normalized events out: the per-message work of the
// RX core, in feed sequence order. Templated on the event sink so emission inlines.
//
// Events of one message are staged and handed over together, the last one flagged, so that
// stages can act at message boundaries (the delete half of a replace is not a liquidity drop).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include "dataplane/book/book_counters.h"
#include "dataplane/book/book_store.h"
#include "dataplane/book/exchange_clock.h"
#include "dataplane/book/market_session.h"
#include "dataplane/book/prefetch_window.h"
#include "dataplane/core/cache.h"
#include "dataplane/events/event.h"
#include "dataplane/feed/message_context.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/itch/messages.h"

namespace tickwire::book {

using events::Event;
using events::EventKind;

template <class EventSink>
class BookBuilder {
 public:
  // Worst case, a replace onto a live reference of another book: instrument, stale level,
  // its top, old level, new level, top, crossed.
  static constexpr std::size_t kMaxEventsPerMessage = 8;
  static_assert(kMaxEventsPerMessage <= events::kMaxEventsPerMessage, "what a sink or a ring record holds");

  BookBuilder(BookStore& store, EventSink& sink, BookCounters& counters, std::uint16_t feed) noexcept
      : store_(store), sink_(sink), counters_(counters), feed_(feed) {}

  // Set while messages may have been lost: every event carries kBookSuspect.
  void set_suspect(bool suspect) noexcept { suspect_ = suspect; }
  // Set while a snapshot is applied: the books change, no event is handed on (a snapshot
  // is state, not market activity for the stages).
  void set_silent(bool silent) noexcept { silent_ = silent; }
  [[nodiscard]] const MarketSession& session() const noexcept { return session_; }

  // A new MoldUDP64 session began: the next trading day (BookStore::begin_day). The clock and
  // the market session start over too (ITCH time counts from midnight again), and the books,
  // empty now, are no longer suspect. Each instrument's first event of the day is flagged
  // events::kStartsAfresh, so stages reset what they keep about it in stream order.
  void begin_day() noexcept {
    counters_.orders_dropped_at_day_end += store_.begin_day(feed_);
    ++counters_.days_begun;
    clock_.restart();
    session_ = MarketSession{};
    suspect_ = false;
  }

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) noexcept {
    staged_ = 0;
    const std::uint64_t timestamp = m.header.timestamp.value();
    // Every event of the message carries these: read off the wire once (a 6-byte timestamp
    // is two loads, two byte swaps and a shift each time).
    message_time_ns_ = timestamp;
    message_type_ = static_cast<std::uint8_t>(Message::kType);
    // A late fill's receive time is no evidence (0: judged without it).
    const std::uint64_t evidence_ns = ctx.filled_hole ? 0 : ctx.receive_time_ns;
    const ClockVerdict verdict = clock_.observe(timestamp, evidence_ns, session_.continuous(timestamp));
    message_flags_ = suspect_ ? events::kBookSuspect : 0;
    if (TW_UNLIKELY(verdict != ClockVerdict::kOk)) {
      message_flags_ |= events::kTimestampAnomaly;
      counters_.count(verdict == ClockVerdict::kBackwards   ? BookAnomaly::kTimestampBackwards
                      : verdict == ClockVerdict::kForwardJump ? BookAnomaly::kTimestampJump
                                                              : BookAnomaly::kTimestampLate);
    }
    apply(ctx, m);
    flush();
  }

  // The feed's exchange time for event-time logic: monotonic, anomalies left out.
  [[nodiscard]] const ExchangeClock& clock() const noexcept { return clock_; }

  // Memory-level parallelism for a window of messages not yet applied: the caller calls
  // stage 0 on a message well ahead, stage 1 a few messages later, stage 2 just before
  // applying it. Each stage starts the loads the next one needs, so the window's cache
  // misses overlap. Only hints: what the messages in between change makes a hint useless,
  // never wrong.
  // For a message still in its wire form (a run read ahead, a listed burst): stage 0 reads
  // what the stages need into m.ticket (read_prefetch_ticket), so the message is decoded
  // once for its three stages, not once per stage; stages 1 and 2 only read the ticket.
  void prefetch_encoded(unsigned stage, MessageRef& m) const noexcept {
    if (stage == 0) {
      read_prefetch_ticket(m.data, m.length, m.ticket);
      m.ticket.instrument = store_.instrument_id(feed_, m.ticket.locate);
    }
    prefetch(stage, m.ticket);
  }

 private:
  using Stock = wire::Alpha<8>;

  // Private: the stages trust a ticket's instrument to name one of the store's (0 or a
  // locate's), which only prefetch_encoded guarantees.
  void prefetch(unsigned stage, const PrefetchTicket& t) const noexcept {
    if (t.kind == TicketKind::kNone) return;  // few messages touch no order: this predicts well
    switch (stage) {
      case 0: store_.prefetch_stage0(t); break;
      case 1: store_.prefetch_stage1(t); break;
      default: store_.prefetch_stage2(t); break;
    }
  }

  // --- event staging
  Event& stage(const feed::MessageContext& ctx, EventKind kind,
               std::uint32_t instrument) noexcept {
    Event& e = pending_[staged_];
    e = Event{};
    e.sequence = ctx.sequence;
    e.exchange_time_ns = message_time_ns_;
    e.receive_time_ns = ctx.receive_time_ns;
    e.instrument = instrument;
    e.feed = feed_;
    e.event_index = static_cast<std::uint16_t>(staged_);
    e.kind = kind;
    e.flags = message_flags_;
    e.source_type = message_type_;
    ++staged_;
    return e;
  }
  void flush() noexcept {
    if (staged_ == 0) return;
    if (TW_UNLIKELY(silent_)) return;
    pending_[staged_ - 1].flags |= events::kLastInMessage;
    // A sink that takes a whole message reads (and may rewrite) the events where they were
    // built, instead of copying each into a message buffer of its own.
    if constexpr (events::MessageSink<EventSink>) {
      sink_.message(std::span<Event>(pending_.data(), staged_));
    } else {
      for (std::size_t i = 0; i < staged_; ++i) sink_(pending_[i]);
    }
    counters_.events += staged_;
  }
  static events::Side side_of(SideIndex s) noexcept { return s == kBidSide ? events::Side::kBid : events::Side::kAsk; }

  void stage_level(const feed::MessageContext& ctx, std::uint32_t instrument,
                   const LevelState& l) noexcept {
    Event& e = stage(ctx, EventKind::kLevelChange, instrument);
    e.side = side_of(l.side);
    e.price = l.price;
    e.quantity = l.shares;
    e.order_count = l.orders;
    if (l.removed) e.flags |= events::kLevelRemoved;
  }

  // After a book change: a top-of-book event if the touch moved, and crossed-book detection.
  void finish_book_change(const feed::MessageContext& ctx, Instrument& ins,
                          const TopOfBook& before) noexcept {
    ++counters_.messages_applied;
    note_top_change(ctx, ins, before);
  }
  void note_top_change(const feed::MessageContext& ctx, Instrument& ins,
                       const TopOfBook& before) noexcept {
    const TopOfBook after = store_.top_of_book(ins);
    if (after == before) return;
    Event& e = stage(ctx, EventKind::kTopOfBook, ins.id);
    e.price = after.bid_price;
    e.quantity = after.bid_shares;
    e.other_price = after.ask_price;
    e.other_quantity = after.ask_shares;
    const bool crossed = after.bid_shares != 0 && after.ask_shares != 0 && after.bid_price >= after.ask_price &&
                         (ins.trading_state == 0 || ins.trading_state == 'T') &&
                         session_.continuous(message_time_ns_);
    if (crossed && !ins.crossed) {
      counters_.count(BookAnomaly::kBookCrossed);
      Event& c = stage(ctx, EventKind::kBookCrossed, ins.id);
      c.price = after.bid_price;
      c.other_price = after.ask_price;
    }
    ins.crossed = crossed;
  }

  // The instrument of a message's locate, created from its stock field when no R named it.
  std::uint32_t instrument_of(const feed::MessageContext& ctx, const itch::MessageHeader& h, const Stock& stock) noexcept {
    const std::uint16_t locate = h.stock_locate.value();
    std::uint32_t id = store_.instrument_id(feed_, locate);
    if (TW_LIKELY(id != kNone)) return id;
    id = store_.add_instrument(feed_, locate, stock.chars);
    if (id == kNone) {
      counters_.count(BookAnomaly::kNoInstrumentRoom);
      return kNone;
    }
    counters_.count(BookAnomaly::kLocateWithoutDirectory);
    Event& e = stage_instrument(ctx, h, id, true);
    e.code = 0;  // not from the directory
    std::memcpy(e.symbol, stock.chars, sizeof e.symbol);
    return id;
  }

  static bool side_index(char indicator, SideIndex& side) noexcept {
    if (indicator == 'B') {
      side = kBidSide;
      return true;
    }
    if (indicator == 'S') {
      side = kAskSide;
      return true;
    }
    return false;
  }

  // --- order book messages
  template <class AddMessage>
  void apply_add(const feed::MessageContext& ctx, const AddMessage& m) noexcept {
    SideIndex side;
    if (TW_UNLIKELY(!side_index(m.buy_sell_indicator.value(), side))) {
      counters_.count(BookAnomaly::kInvalidSide);
      return;
    }
    const std::uint32_t id = instrument_of(ctx, m.header, m.stock);
    if (TW_UNLIKELY(id == kNone)) return;
    Instrument& ins = store_.instrument(id);
    const TopOfBook before = store_.top_of_book(ins);
    add(ctx, ins, m.order_reference_number.value(), side, m.price.value(), m.shares.value(),
        BookAnomaly::kAddLiveReference);
    finish_book_change(ctx, ins, before);
  }

  // Rests an order; a live reference is stale by definition (the exchange never reuses one
  // while it lives), so the new order takes its place.
  void add(const feed::MessageContext& ctx, Instrument& ins, std::uint64_t reference,
           SideIndex side, std::uint32_t price, std::uint32_t shares, BookAnomaly on_live_reference) noexcept {
    LevelState level;
    AddStatus status = store_.add_order(ins.id, reference, side, price, shares, level);
    if (TW_UNLIKELY(status == AddStatus::kDuplicateReference)) {
      counters_.count(on_live_reference);
      const Handle stale = store_.find_order(reference);
      Instrument& stale_ins = store_.instrument(store_.order(stale).instrument);
      const TopOfBook stale_before = store_.top_of_book(stale_ins);
      stage_level(ctx, stale_ins.id, store_.remove_order(stale));
      // The stale order may rest in another book, whose top then moves too.
      if (stale_ins.id != ins.id) note_top_change(ctx, stale_ins, stale_before);
      status = store_.add_order(ins.id, reference, side, price, shares, level);
    }
    if (TW_UNLIKELY(status != AddStatus::kAdded)) {
      counters_.count(status == AddStatus::kNoOrderRoom ? BookAnomaly::kNoOrderRoom : BookAnomaly::kNoLevelRoom);
      return;
    }
    stage_level(ctx, ins.id, level);
  }

  void execute(const feed::MessageContext& ctx, std::uint64_t reference,
               std::uint32_t executed, std::uint64_t match, const std::uint32_t* execution_price,
               std::uint16_t trade_flags) noexcept {
    const Handle oh = store_.find_order(reference);
    if (TW_UNLIKELY(oh == kNone)) {
      counters_.count(BookAnomaly::kExecuteUnknownReference);
      return;
    }
    const Order& o = store_.order(oh);
    Instrument& ins = store_.instrument(o.instrument);
    const PriceLevel& resting = store_.level(o.level);
    if (TW_UNLIKELY(executed > o.shares)) {
      counters_.count(BookAnomaly::kExecuteMoreThanRemains);
      executed = o.shares;
    }
    const TopOfBook before = store_.top_of_book(ins);
    Event& t = stage(ctx, EventKind::kTrade, ins.id);
    t.side = side_of(static_cast<SideIndex>(resting.side));
    // C reduces the order at its resting price whatever price it executed at.
    t.price = execution_price != nullptr ? *execution_price : resting.price;
    t.quantity = executed;
    t.match_number = match;
    t.flags |= trade_flags;
    const std::uint32_t instrument = o.instrument;
    stage_level(ctx, instrument, store_.reduce_order(oh, executed));
    finish_book_change(ctx, ins, before);
  }

  void apply(const feed::MessageContext& ctx, const itch::AddOrder& m) noexcept { apply_add(ctx, m); }
  void apply(const feed::MessageContext& ctx, const itch::AddOrderMpid& m) noexcept { apply_add(ctx, m); }

  void apply(const feed::MessageContext& ctx, const itch::OrderExecuted& m) noexcept {
    execute(ctx, m.order_reference_number.value(), m.executed_shares.value(), m.match_number.value(),
            nullptr, 0);
  }
  void apply(const feed::MessageContext& ctx, const itch::OrderExecutedWithPrice& m) noexcept {
    const std::uint32_t price = m.execution_price.value();
    // Printable N: this execution is reported in a print elsewhere, not a print itself.
    execute(ctx, m.order_reference_number.value(), m.executed_shares.value(), m.match_number.value(),
            &price, m.printable.value() == 'N' ? events::kNonPrintable : 0);
  }

  void apply(const feed::MessageContext& ctx, const itch::OrderCancel& m) noexcept {
    const Handle oh = store_.find_order(m.order_reference_number.value());
    if (TW_UNLIKELY(oh == kNone)) {
      counters_.count(BookAnomaly::kCancelUnknownReference);
      return;
    }
    const Order& o = store_.order(oh);
    std::uint32_t cancelled = m.cancelled_shares.value();
    if (TW_UNLIKELY(cancelled > o.shares)) {
      counters_.count(BookAnomaly::kCancelMoreThanRemains);
      cancelled = o.shares;
    }
    Instrument& ins = store_.instrument(o.instrument);
    const TopOfBook before = store_.top_of_book(ins);
    stage_level(ctx, ins.id, store_.reduce_order(oh, cancelled));
    finish_book_change(ctx, ins, before);
  }

  void apply(const feed::MessageContext& ctx, const itch::OrderDelete& m) noexcept {
    const Handle oh = store_.find_order(m.order_reference_number.value());
    if (TW_UNLIKELY(oh == kNone)) {
      counters_.count(BookAnomaly::kDeleteUnknownReference);
      return;
    }
    Instrument& ins = store_.instrument(store_.order(oh).instrument);
    const TopOfBook before = store_.top_of_book(ins);
    stage_level(ctx, ins.id, store_.remove_order(oh));
    finish_book_change(ctx, ins, before);
  }

  // The new order keeps side and stock, takes the new price and shares, and goes to the
  // back of its level's queue.
  void apply(const feed::MessageContext& ctx, const itch::OrderReplace& m) noexcept {
    const Handle oh = store_.find_order(m.original_order_reference_number.value());
    if (TW_UNLIKELY(oh == kNone)) {
      counters_.count(BookAnomaly::kReplaceUnknownReference);
      return;
    }
    const Order& o = store_.order(oh);
    Instrument& ins = store_.instrument(o.instrument);
    const auto side = static_cast<SideIndex>(store_.level(o.level).side);
    const TopOfBook before = store_.top_of_book(ins);
    stage_level(ctx, ins.id, store_.remove_order(oh));
    add(ctx, ins, m.new_order_reference_number.value(), side, m.price.value(), m.shares.value(),
        BookAnomaly::kReplaceToLiveReference);
    finish_book_change(ctx, ins, before);
  }

  // --- trades that leave the book alone
  void apply(const feed::MessageContext& ctx, const itch::Trade& m) noexcept {
    const std::uint32_t id = instrument_of(ctx, m.header, m.stock);
    if (id == kNone) return;
    Event& e = stage(ctx, EventKind::kTrade, id);
    SideIndex side;
    e.side = side_index(m.buy_sell_indicator.value(), side) ? side_of(side) : events::Side::kNone;
    e.price = m.price.value();
    e.quantity = m.shares.value();
    e.match_number = m.match_number.value();
    e.flags |= events::kHiddenTrade;
    ++counters_.messages_applied;
  }
  void apply(const feed::MessageContext& ctx, const itch::CrossTrade& m) noexcept {
    const std::uint32_t id = instrument_of(ctx, m.header, m.stock);
    if (id == kNone) return;
    Event& e = stage(ctx, EventKind::kTrade, id);
    e.price = m.cross_price.value();
    e.quantity = m.shares.value();
    e.match_number = m.match_number.value();
    e.code = static_cast<std::uint8_t>(m.cross_type.value());
    e.flags |= events::kCrossTrade;
    ++counters_.messages_applied;
  }
  void apply(const feed::MessageContext& ctx, const itch::BrokenTrade& m) noexcept {
    Event& e = stage(ctx, EventKind::kTradeBreak, store_.instrument_id(feed_, m.header.stock_locate.value()));
    e.match_number = m.match_number.value();
    ++counters_.messages_applied;
  }

  Event& stage_instrument(const feed::MessageContext& ctx, const itch::MessageHeader& h, std::uint32_t id,
                          bool mapped_now) noexcept {
    Event& e = stage(ctx, EventKind::kInstrumentAdded, id);
    e.stock_locate = h.stock_locate.value();
    if (mapped_now) e.flags |= events::kStartsAfresh;
    return e;
  }

  // --- directory and state
  void apply(const feed::MessageContext& ctx, const itch::StockDirectory& m) noexcept {
    const std::uint16_t locate = m.header.stock_locate.value();
    std::uint32_t id = store_.instrument_id(feed_, locate);
    const bool mapped_now = id == kNone;
    if (id == kNone) {
      id = store_.add_instrument(feed_, locate, m.stock.chars);
      if (id == kNone) {
        counters_.count(BookAnomaly::kNoInstrumentRoom);
        return;
      }
    } else {
      Instrument& existing = store_.instrument(id);
      if (std::memcmp(existing.symbol.data(), m.stock.chars, 8) != 0) {
        counters_.count(BookAnomaly::kLocateSymbolChanged);
        store_.rename_instrument(id, m.stock.chars);
      }
    }
    store_.instrument(id).from_directory = true;
    Event& e = stage_instrument(ctx, m.header, id, mapped_now);
    e.code = 1;  // from the directory
    e.quantity = m.round_lot_size.value();
    std::memcpy(e.symbol, m.stock.chars, sizeof e.symbol);
    ++counters_.messages_applied;
  }

  template <class StateMessage>
  Event* state_event(const feed::MessageContext& ctx, const StateMessage& m) noexcept {
    const std::uint32_t id = instrument_of(ctx, m.header, m.stock);
    if (id == kNone) return nullptr;
    ++counters_.messages_applied;
    return &stage(ctx, EventKind::kTradingState, id);
  }
  void apply(const feed::MessageContext& ctx, const itch::StockTradingAction& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      store_.instrument(e->instrument).trading_state = m.trading_state.value();
      e->code = static_cast<std::uint8_t>(m.trading_state.value());
      e->code2 = static_cast<std::uint8_t>(m.reason.chars[0]);
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::RegShoRestriction& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      store_.instrument(e->instrument).reg_sho_action = m.reg_sho_action.value();
      e->code = static_cast<std::uint8_t>(m.reg_sho_action.value());
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::OperationalHalt& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      e->code = static_cast<std::uint8_t>(m.operational_halt_action.value());
      e->code2 = static_cast<std::uint8_t>(m.market_code.value());
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::LuldAuctionCollar& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      e->price = m.auction_collar_reference_price.value();
      e->other_price = m.upper_auction_collar_price.value();
      e->quantity = m.lower_auction_collar_price.value();
      e->other_quantity = m.auction_collar_extension.value();
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::IpoQuotingPeriodUpdate& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      e->price = m.ipo_price.value();
      e->quantity = m.ipo_quotation_release_time.value();
      e->code = static_cast<std::uint8_t>(m.ipo_quotation_release_qualifier.value());
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::RetailInterest& m) noexcept {
    if (Event* e = state_event(ctx, m)) e->code = static_cast<std::uint8_t>(m.interest_flag.value());
  }
  void apply(const feed::MessageContext& ctx, const itch::DirectListingPriceDiscovery& m) noexcept {
    if (Event* e = state_event(ctx, m)) {
      e->code = static_cast<std::uint8_t>(m.open_eligibility_status.value());
      e->price = m.near_execution_price.value();
      e->other_price = m.minimum_allowable_price.value();
    }
  }
  void apply(const feed::MessageContext& ctx, const itch::NetOrderImbalance& m) noexcept {
    const std::uint32_t id = instrument_of(ctx, m.header, m.stock);
    if (id == kNone) return;
    Event& e = stage(ctx, EventKind::kImbalance, id);
    e.price = m.current_reference_price.value();
    e.other_price = m.near_price.value();
    e.quantity = m.imbalance_shares.value();
    e.other_quantity = m.paired_shares.value();
    e.code = static_cast<std::uint8_t>(m.imbalance_direction.value());
    e.code2 = static_cast<std::uint8_t>(m.cross_type.value());
    ++counters_.messages_applied;
  }
  void apply(const feed::MessageContext& ctx, const itch::SystemEvent& m) noexcept {
    session_.on_system_event(m.event_code.value());
    Event& e = stage(ctx, EventKind::kMarketState, kNone);
    e.code = static_cast<std::uint8_t>(m.event_code.value());
    ++counters_.messages_applied;
  }
  void apply(const feed::MessageContext& ctx, const itch::MwcbDeclineLevel& m) noexcept {
    Event& e = stage(ctx, EventKind::kMarketState, kNone);
    e.code = 'V';
    e.quantity = m.level1.value();
    e.other_quantity = m.level2.value();
    ++counters_.messages_applied;
  }
  void apply(const feed::MessageContext& ctx, const itch::MwcbStatus& m) noexcept {
    Event& e = stage(ctx, EventKind::kMarketState, kNone);
    e.code = 'W';
    e.code2 = static_cast<std::uint8_t>(m.breached_level.value());
    ++counters_.messages_applied;
  }
  // Market-maker registrations carry nothing the books or stages use.
  void apply(const feed::MessageContext&, const itch::MarketParticipantPosition&) noexcept {}

  BookStore& store_;
  EventSink& sink_;
  BookCounters& counters_;
  MarketSession session_;
  std::uint16_t feed_;
  bool suspect_ = false;
  bool silent_ = false;
  std::uint16_t message_flags_ = 0;  // flags every event of the current message carries
  std::uint8_t message_type_ = 0;
  std::uint64_t message_time_ns_ = 0;
  ExchangeClock clock_;
  std::size_t staged_ = 0;
  std::array<Event, kMaxEventsPerMessage> pending_{};
};

}  // namespace tickwire::book
