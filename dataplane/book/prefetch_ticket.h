// What the book builder's prefetch stages need of one message, read from its wire form once.
// A message ahead gets three hint stages (prefetch_window.h); decoding it for each of them
// cost more than the hints saved on a book that fits in cache (bench book on a 50-symbol day:
// 60 ns/message without hints, 106 with them, three dispatches on an unpredictable type per
// message). Stage 0 reads the ticket, stages 1 and 2 work from it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/itch/messages.h"

namespace tickwire::book {

enum class TicketKind : std::uint8_t {
  kNone,     // touches no order (or a block of the wrong length: hints never read past it)
  kAdd,      // A, F
  kOnOrder,  // E, C, X, D: an order found by its reference
  kReplace,  // U
};

struct PrefetchTicket {
  std::uint64_t reference = 0;      // the order named; an add's own; U: the original
  std::uint64_t new_reference = 0;  // U: the new order's
  std::uint32_t price = 0;          // add
  std::uint32_t instrument = 0;     // add: its locate's instrument when the ticket was read (0: none yet)
  std::uint16_t locate = 0;         // add
  TicketKind kind = TicketKind::kNone;
  bool bid = false;                 // add: 'B' (any other indicator hints the ask side)
};
static_assert(sizeof(PrefetchTicket) == 32);

// Reads nothing outside [p, p + length): a type whose spec length differs is kNone. Fills
// `t` in place, field by field: a ticket built aside and copied in whole was read back
// as 16-byte words right after its narrow stores, a store-forwarding stall on every message.
inline void read_prefetch_ticket(const std::uint8_t* p, std::size_t length, PrefetchTicket& t) noexcept {
  t.kind = TicketKind::kNone;
  t.instrument = 0;
  if (length == 0) return;
  auto add = [&](const auto& m) {
    t.kind = TicketKind::kAdd;
    t.reference = m.order_reference_number.value();
    t.price = m.price.value();
    t.locate = m.header.stock_locate.value();
    t.bid = m.buy_sell_indicator.value() == 'B';
  };
  auto on_order = [&](const auto& m) {
    t.kind = TicketKind::kOnOrder;
    t.reference = m.order_reference_number.value();
  };
  switch (p[0]) {
    case itch::AddOrder::kType:
      if (length == itch::AddOrder::kLength) add(wire::view_as<itch::AddOrder>(p));
      break;
    case itch::AddOrderMpid::kType:
      if (length == itch::AddOrderMpid::kLength) add(wire::view_as<itch::AddOrderMpid>(p));
      break;
    case itch::OrderDelete::kType:
      if (length == itch::OrderDelete::kLength) on_order(wire::view_as<itch::OrderDelete>(p));
      break;
    case itch::OrderExecuted::kType:
      if (length == itch::OrderExecuted::kLength) on_order(wire::view_as<itch::OrderExecuted>(p));
      break;
    case itch::OrderExecutedWithPrice::kType:
      if (length == itch::OrderExecutedWithPrice::kLength) on_order(wire::view_as<itch::OrderExecutedWithPrice>(p));
      break;
    case itch::OrderCancel::kType:
      if (length == itch::OrderCancel::kLength) on_order(wire::view_as<itch::OrderCancel>(p));
      break;
    case itch::OrderReplace::kType:
      if (length == itch::OrderReplace::kLength) {
        const auto& m = wire::view_as<itch::OrderReplace>(p);
        t.kind = TicketKind::kReplace;
        t.reference = m.original_order_reference_number.value();
        t.new_reference = m.new_order_reference_number.value();
      }
      break;
    default:
      break;
  }
}

}  // namespace tickwire::book
