#include "pcap_samples/generator/venues/venue_stream.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "pcap_samples/generator/market_calendar.h"
#include "pcap_samples/generator/message_encoder.h"
#include "pcap_samples/generator/venues/step_slots.h"

namespace tickwire::generator::venues {

namespace {

using itch::AddOrder;
using itch::LuldAuctionCollar;
using itch::MwcbDeclineLevel;
using itch::MwcbStatus;
using itch::OrderDelete;
using itch::OrderExecuted;
using itch::OrderReplace;
using itch::StockDirectory;
using itch::StockTradingAction;
using itch::SystemEvent;

constexpr std::uint32_t kRoundLot = 100;
constexpr double kTradesPerSecond = 2.0;  // per security and venue
constexpr double kStepsPerSecond = 1e9 / static_cast<double>(kStepNs);
constexpr std::uint64_t kTradeAfterNs = 50;
constexpr std::uint64_t kDirectoryStepNs = 1'000;
constexpr double kRequoteMargin = 0.25;  // ticks
// A volatility day's books are built in the minute before the open, one security after
// another, so that the open's first step is no message storm of its own.
constexpr std::uint64_t kBooksBeforeOpenNs = 60 * kNanosPerSecond;
constexpr std::uint64_t kBooksOverNs = 30 * kNanosPerSecond;
// A churn is a delete and an add.
constexpr double kChurnMessages = 2;

void stock_field(itch::Alpha<8>& field, const std::string& symbol) {
  char padded[8];
  std::memset(padded, ' ', sizeof padded);
  std::memcpy(padded, symbol.data(), std::min(symbol.size(), sizeof padded));
  field.set(std::string_view(padded, sizeof padded));
}

}  // namespace

VenueStream::VenueStream(std::uint32_t index, const MarketModel& model, std::vector<std::uint16_t> locates,
                         std::uint64_t delay_ns, double churn_per_second, std::uint64_t seed, MessageSink& sink)
    : index_(index), model_(model), locates_(std::move(locates)), delay_ns_(delay_ns),
      churn_per_step_(churn_per_second / 2.0 / kStepsPerSecond / static_cast<double>(model.securities().size())),
      rng_(seed + index, static_cast<Stream>(20)), sink_(sink), books_(model.securities().size()) {}

void VenueStream::emit(std::size_t length, std::uint64_t ts) {
  last_ts_ = std::max(last_ts_, ts);
  reinterpret_cast<itch::MessageHeader*>(scratch_)->timestamp.set(last_ts_);
  ++stats_.messages;
  sink_.on_message(scratch_, length, last_ts_);
}

void VenueStream::system_event(char code, std::uint64_t ts) {
  auto& m = start_message<SystemEvent>(scratch_, 0, ts);
  set_char(m.event_code, code);
  emit(sizeof m, ts);
}

void VenueStream::set_volatility(const TradingHalts* halts, bool listing) noexcept {
  halts_ = halts;
  listing_ = listing;
}

void VenueStream::print_mwcb_levels(std::uint64_t ts) {
  auto& m = start_message<MwcbDeclineLevel>(scratch_, 0, ts);
  m.level1.set(halts_->mwcb_levels()[0]);
  m.level2.set(halts_->mwcb_levels()[1]);
  m.level3.set(halts_->mwcb_levels()[2]);
  emit(sizeof m, ts);
}

void VenueStream::print(const HaltNotice& notice, std::uint64_t ts) {
  switch (notice.kind) {
    case NoticeKind::kMarketBreach: {
      auto& m = start_message<MwcbStatus>(scratch_, 0, ts);
      set_char(m.breached_level, notice.code);
      emit(sizeof m, ts);
      break;
    }
    case NoticeKind::kTradingAction: {
      auto& h = start_message<StockTradingAction>(scratch_, locates_[notice.security], ts);
      stock_field(h.stock, model_.securities()[notice.security].symbol);
      set_char(h.trading_state, notice.code);
      set_char(h.reserved, ' ');
      h.reason.set(notice.reason);
      emit(sizeof h, ts);
      break;
    }
    case NoticeKind::kCollar: {
      // The auction runs on the listing market; the others only stop.
      if (!listing_) break;
      auto& j = start_message<LuldAuctionCollar>(scratch_, locates_[notice.security], ts);
      stock_field(j.stock, model_.securities()[notice.security].symbol);
      j.auction_collar_reference_price.set(static_cast<std::uint32_t>(notice.collar_reference));
      j.upper_auction_collar_price.set(static_cast<std::uint32_t>(notice.collar_upper));
      j.lower_auction_collar_price.set(static_cast<std::uint32_t>(notice.collar_lower));
      j.auction_collar_extension.set(0);
      emit(sizeof j, ts);
      break;
    }
  }
}

void VenueStream::open_day() {
  system_event('O', DaySchedule::kStartOfMessages);
  // The directory in this venue's locate order.
  std::vector<std::uint32_t> by_locate(locates_.size());
  for (std::uint32_t i = 0; i < locates_.size(); ++i) by_locate[locates_[i] - 1u] = i;
  std::uint64_t ts = DaySchedule::kStartOfMessages + kDirectoryStepNs;
  for (const std::uint32_t i : by_locate) {
    const ModelSecurity& s = model_.securities()[i];
    const bool etf = s.role == Role::kEtf;
    {
      auto& r = start_message<StockDirectory>(scratch_, locates_[i], ts);
      stock_field(r.stock, s.symbol);
      set_char(r.market_category, 'Q');
      set_char(r.financial_status_indicator, 'N');
      r.round_lot_size.set(kRoundLot);
      set_char(r.round_lots_only, 'N');
      set_char(r.issue_classification, etf ? 'Q' : 'C');
      r.issue_sub_type.set(etf ? "I" : "Z");
      set_char(r.authenticity, 'P');
      set_char(r.short_sale_threshold_indicator, 'N');
      set_char(r.ipo_flag, 'N');
      set_char(r.luld_reference_price_tier, static_cast<char>('0' + s.luld_tier));
      set_char(r.etp_flag, etf ? 'Y' : 'N');
      r.etp_leverage_factor.set(etf ? 1 : 0);
      set_char(r.inverse_indicator, 'N');
      emit(sizeof r, ts);
    }
    ts += kDirectoryStepNs;
    {
      auto& h = start_message<StockTradingAction>(scratch_, locates_[i], ts);
      stock_field(h.stock, s.symbol);
      set_char(h.trading_state, 'T');
      set_char(h.reserved, ' ');
      h.reason.set("");
      emit(sizeof h, ts);
    }
    ts += kDirectoryStepNs;
  }
  if (halts_ != nullptr) print_mwcb_levels(ts);
  system_event('S', DaySchedule::kStartOfSystemHours);
  if (halts_ != nullptr) {
    const auto n = static_cast<std::uint32_t>(books_.size());
    const std::uint64_t first = DaySchedule::kStartOfMarketHours - kBooksBeforeOpenNs;
    for (std::uint32_t i = 0; i < n; ++i) quote(i, first + std::uint64_t{i} * (kBooksOverNs / n));
  }
  system_event('Q', DaySchedule::kStartOfMarketHours);
}

void VenueStream::close_day(std::uint64_t after_ns) {
  system_event('M', after_ns + kStepNs);
  system_event('E', after_ns + 2 * kStepNs);
  system_event('C', after_ns + 3 * kStepNs);
  sink_.on_end();
}

std::uint32_t VenueStream::draw_shares() { return kRoundLot * static_cast<std::uint32_t>(rng_.between(1, 10)); }

void VenueStream::add(std::uint32_t i, bool buy, Resting& r, std::uint64_t ts) {
  r.reference = next_reference_++;
  r.shares = draw_shares();
  auto& m = start_message<AddOrder>(scratch_, locates_[i], ts);
  m.order_reference_number.set(r.reference);
  set_char(m.buy_sell_indicator, buy ? 'B' : 'S');
  m.shares.set(r.shares);
  stock_field(m.stock, model_.securities()[i].symbol);
  m.price.set(static_cast<std::uint32_t>(r.ticks * model_.securities()[i].tick));
  emit(sizeof m, ts);
}

void VenueStream::remove(std::uint32_t i, Resting& r, std::uint64_t ts) {
  auto& m = start_message<OrderDelete>(scratch_, locates_[i], ts);
  m.order_reference_number.set(r.reference);
  emit(sizeof m, ts);
  r = Resting{};
}

void VenueStream::replace(std::uint32_t i, Resting& from, Resting& to, std::uint64_t ts) {
  to.reference = next_reference_++;
  to.shares = draw_shares();
  auto& m = start_message<OrderReplace>(scratch_, locates_[i], ts);
  m.original_order_reference_number.set(from.reference);
  m.new_order_reference_number.set(to.reference);
  m.shares.set(to.shares);
  m.price.set(static_cast<std::uint32_t>(to.ticks * model_.securities()[i].tick));
  emit(sizeof m, ts);
  from = Resting{};
}

void VenueStream::requote_side(std::uint32_t i, Side& side, bool buy, std::int64_t top, std::uint64_t ts) {
  Side old = side;
  Side next{};
  std::array<bool, kDepth> kept{};
  for (std::size_t j = 0; j < kDepth; ++j) {
    next[j].ticks = buy ? top - static_cast<std::int64_t>(j) : top + static_cast<std::int64_t>(j);
    for (std::size_t k = 0; k < kDepth; ++k) {
      if (!kept[k] && old[k].reference != 0 && old[k].ticks == next[j].ticks) {
        next[j] = old[k];
        kept[k] = true;
      }
    }
  }
  std::size_t obsolete = 0;
  auto next_obsolete = [&]() -> Resting* {
    for (; obsolete < kDepth; ++obsolete) {
      if (old[obsolete].reference != 0 && !kept[obsolete]) return &old[obsolete++];
    }
    return nullptr;
  };
  bool changed = false;
  for (std::size_t j = 0; j < kDepth; ++j) {
    if (next[j].reference != 0) continue;
    changed = true;
    if (Resting* from = next_obsolete()) {
      replace(i, *from, next[j], ts);
    } else {
      add(i, buy, next[j], ts);
    }
  }
  while (Resting* from = next_obsolete()) {
    changed = true;
    remove(i, *from, ts);
  }
  if (changed) ++stats_.requotes;
  side = next;
}

void VenueStream::trade(std::uint32_t i, std::uint64_t ts) {
  Book& b = books_[i];
  const bool buy_side = (rng_.next() & 1) != 0;
  Resting& touch = buy_side ? b.bids[0] : b.asks[0];
  if (touch.reference == 0) return;
  const std::uint32_t shares = std::min(touch.shares, kRoundLot * static_cast<std::uint32_t>(rng_.between(1, 4)));
  auto& m = start_message<OrderExecuted>(scratch_, locates_[i], ts);
  m.order_reference_number.set(touch.reference);
  m.executed_shares.set(shares);
  m.match_number.set(next_match_++);
  emit(sizeof m, ts);
  ++stats_.trades;
  touch.shares -= shares;
  if (touch.shares == 0) touch = Resting{.ticks = touch.ticks};  // refilled at the next step
}

bool VenueStream::churn(std::uint32_t i, std::uint64_t ts) {
  Book& b = books_[i];
  Side& side = (rng_.next() & 1) != 0 ? b.bids : b.asks;
  Resting& r = side[rng_.between(1, kDepth - 1)];
  if (r.reference == 0) return false;
  const std::int64_t ticks = r.ticks;
  remove(i, r, ts);
  r.ticks = ticks;
  add(i, &side == &b.bids, r, ts);
  return true;
}

// The flow factor's extra messages, owed in proportion to what the security sent this step
// and paid in whole churns on the same security: its messages, and the venue's, multiply by
// the factor over any stretch of more than a few steps.
void VenueStream::extra_churn(std::uint32_t i, std::uint64_t ts, std::uint64_t usual_messages) {
  extra_owed_ += static_cast<double>(usual_messages) * (flow_factor_ - 1);
  while (extra_owed_ >= kChurnMessages && churn(i, ts)) extra_owed_ -= kChurnMessages;
}

bool VenueStream::full(const Side& side) noexcept {
  for (const Resting& r : side) {
    if (r.reference == 0) return false;
  }
  return true;
}

void VenueStream::quote(std::uint32_t i, std::uint64_t ts) {
  Book& b = books_[i];
  const double centre = model_.quote_centre(index_, i);
  std::int64_t bid = static_cast<std::int64_t>(std::floor(centre)) - kSpreadTicks / 2;
  // Hysteresis: a quote stays until the centre has left its cell by a margin, as a
  // market maker's does, rather than flickering while the centre sits on a boundary.
  const double cell = static_cast<double>(b.bids[0].ticks + kSpreadTicks / 2);
  if (b.bids[0].ticks != 0 && centre > cell - kRequoteMargin && centre < cell + 1 + kRequoteMargin) {
    bid = b.bids[0].ticks;
  }
  const std::int64_t ask = bid + kSpreadTicks;
  // Most steps leave most quotes where they are (nothing to send). Otherwise the side
  // moving away from the other goes first, so the venue's book never crosses; the touch's
  // ticks stay known after a trade empties it.
  const bool in_place = bid == b.bids[0].ticks && full(b.bids) && full(b.asks);
  if (!in_place && bid > b.bids[0].ticks) {
    requote_side(i, b.asks, false, ask, ts);
    requote_side(i, b.bids, true, bid, ts);
  } else if (!in_place) {
    requote_side(i, b.bids, true, bid, ts);
    requote_side(i, b.asks, false, ask, ts);
  }
}

void VenueStream::on_step(std::uint64_t k) {
  const std::uint64_t base = model_.time_of(k) + delay_ns_;
  const auto n = static_cast<std::uint32_t>(books_.size());
  const double trade_chance = kTradesPerSecond / kStepsPerSecond;
  const HaltNotice* notice = nullptr;
  const HaltNotice* notices_end = nullptr;
  if (halts_ != nullptr) {
    notice = halts_->notices().data();
    notices_end = notice + halts_->notices().size();
    for (; notice != notices_end && notice->kind == NoticeKind::kMarketBreach; ++notice) print(*notice, base);
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint64_t ts = base + slot_offset_ns(i, n);
    if (halts_ != nullptr) {
      for (; notice != notices_end && notice->security == i; ++notice) print(*notice, ts);
      if (halts_->stopped(i)) continue;
    }
    const std::uint64_t before = stats_.messages;
    quote(i, ts);
    if (rng_.unit() < trade_chance) trade(i, ts + kTradeAfterNs);
    if (rng_.unit() < churn_per_step_) churn(i, ts + kTradeAfterNs);
    if (flow_factor_ > 1) extra_churn(i, ts + kTradeAfterNs, stats_.messages - before);
  }
}

}  // namespace tickwire::generator::venues
