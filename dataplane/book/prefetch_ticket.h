// What the book builder's prefetch stages need of one message, read from its wire form once.
// A message ahead gets three hint stages (prefetch_window.h), and the hints had cost more
// than they saved on a book that fits in cache (bench book on a 50-symbol day: 60 ns/message
// without hints, 106 with them): each stage decoded the message again, and each branched on
// its kind. Stage 0 now reads the ticket, stages 1 and 2 work from it.
//
// The kinds of the messages in flight are random, so a branch on the kind mispredicts about
// every other time: the ticket is read without one (a table gives kind and length, and each
// field is read from the message where its kind has it, else from zeros), and the stages
// select addresses rather than branch (BookStore::prefetch_stage*).
#pragma once

#include <array>
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
  std::uint64_t new_reference = 0;  // U: the new order's; any other kind: `reference` again
  std::uint32_t price = 0;          // add
  std::uint32_t instrument = 0;     // its locate's instrument when the ticket was read (0: none yet)
  std::uint16_t locate = 0;
  TicketKind kind = TicketKind::kNone;
  bool bid = false;                 // add: 'B' (any other indicator hints the ask side)
};
static_assert(sizeof(PrefetchTicket) == 32);

namespace detail {

struct TicketLayout {
  TicketKind kind = TicketKind::kNone;
  std::uint8_t length = 0;  // the spec's; 0 for a type no ticket is read from
};

template <class M>
constexpr void set_layout(std::array<TicketLayout, 256>& table, TicketKind kind) {
  table[static_cast<unsigned char>(M::kType)] = {kind, static_cast<std::uint8_t>(M::kLength)};
}

constexpr std::array<TicketLayout, 256> make_ticket_layouts() {
  std::array<TicketLayout, 256> table{};
  set_layout<itch::AddOrder>(table, TicketKind::kAdd);
  set_layout<itch::AddOrderMpid>(table, TicketKind::kAdd);
  set_layout<itch::OrderExecuted>(table, TicketKind::kOnOrder);
  set_layout<itch::OrderExecutedWithPrice>(table, TicketKind::kOnOrder);
  set_layout<itch::OrderCancel>(table, TicketKind::kOnOrder);
  set_layout<itch::OrderDelete>(table, TicketKind::kOnOrder);
  set_layout<itch::OrderReplace>(table, TicketKind::kReplace);
  return table;
}
inline constexpr std::array<TicketLayout, 256> kTicketLayouts = make_ticket_layouts();

// What a field is read from when the message's kind lacks it: as long as any order message.
inline constexpr std::uint8_t kZeroMessage[itch::AddOrderMpid::kLength] = {};

// Every order message names its order at the same offset, and both adds lay out side and
// price alike: one read serves each kind.
constexpr std::size_t kReferenceOffset = offsetof(itch::OrderDelete, order_reference_number);
static_assert(offsetof(itch::AddOrder, order_reference_number) == kReferenceOffset &&
              offsetof(itch::AddOrderMpid, order_reference_number) == kReferenceOffset &&
              offsetof(itch::OrderExecuted, order_reference_number) == kReferenceOffset &&
              offsetof(itch::OrderExecutedWithPrice, order_reference_number) == kReferenceOffset &&
              offsetof(itch::OrderCancel, order_reference_number) == kReferenceOffset &&
              offsetof(itch::OrderReplace, original_order_reference_number) == kReferenceOffset);
static_assert(offsetof(itch::AddOrderMpid, buy_sell_indicator) == offsetof(itch::AddOrder, buy_sell_indicator) &&
              offsetof(itch::AddOrderMpid, price) == offsetof(itch::AddOrder, price));

}  // namespace detail

// Reads nothing outside [p, p + length): a type whose spec length differs is kNone. Fills
// `t` in place, field by field: a ticket built aside and copied in whole was read back as
// 16-byte words right after its narrow stores, a store-forwarding stall on every message.
inline void read_prefetch_ticket(const std::uint8_t* p, std::size_t length, PrefetchTicket& t) noexcept {
  const detail::TicketLayout layout = length == 0 ? detail::TicketLayout{} : detail::kTicketLayouts[p[0]];
  const TicketKind kind = length == layout.length ? layout.kind : TicketKind::kNone;
  const std::uint8_t* order = kind != TicketKind::kNone ? p : detail::kZeroMessage;
  const std::uint8_t* add = kind == TicketKind::kAdd ? p : detail::kZeroMessage;
  const std::uint8_t* replace = kind == TicketKind::kReplace ? p : detail::kZeroMessage;
  const auto& named = wire::view_as<itch::OrderDelete>(order);
  t.kind = kind;
  t.locate = named.header.stock_locate.value();
  t.reference = named.order_reference_number.value();
  const std::uint64_t new_reference = wire::view_as<itch::OrderReplace>(replace).new_order_reference_number.value();
  t.new_reference = kind == TicketKind::kReplace ? new_reference : t.reference;
  const auto& added = wire::view_as<itch::AddOrder>(add);
  t.price = added.price.value();
  t.bid = added.buy_sell_indicator.value() == 'B';
  t.instrument = 0;
}

}  // namespace tickwire::book
