// ITCH 5.0 messages for tests, written through tickwire's own views (whose layouts the
// itch_decoder_test checks against the spec table).
#pragma once

#include <cstdint>
#include <string_view>

#include "dataplane/itch/messages.h"
#include "tests/support/test_support.h"

namespace tickwire::test {

template <class Message>
Bytes encode(const Message& m) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&m);
  return Bytes(p, p + sizeof(Message));
}

template <class Message>
Message blank(std::uint16_t locate, std::uint64_t timestamp) {
  Message m{};
  std::memset(&m, ' ', sizeof m);
  m.header.message_type.set(std::string_view(&Message::kType, 1));
  m.header.stock_locate.set(locate);
  m.header.tracking_number.set(0);
  m.header.timestamp.set(timestamp);
  return m;
}

inline Bytes add_order(std::uint16_t locate, std::uint64_t ref, char side, std::uint32_t shares, std::string_view stock,
                       std::uint32_t price, std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::AddOrder>(locate, ts);
  m.order_reference_number.set(ref);
  m.buy_sell_indicator.set(std::string_view(&side, 1));
  m.shares.set(shares);
  m.stock.set(stock);
  m.price.set(price);
  return encode(m);
}

inline Bytes add_order_mpid(std::uint16_t locate, std::uint64_t ref, char side, std::uint32_t shares,
                            std::string_view stock, std::uint32_t price, std::string_view mpid,
                            std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::AddOrderMpid>(locate, ts);
  m.order_reference_number.set(ref);
  m.buy_sell_indicator.set(std::string_view(&side, 1));
  m.shares.set(shares);
  m.stock.set(stock);
  m.price.set(price);
  m.attribution.set(mpid);
  return encode(m);
}

inline Bytes order_executed(std::uint16_t locate, std::uint64_t ref, std::uint32_t shares, std::uint64_t match,
                            std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::OrderExecuted>(locate, ts);
  m.order_reference_number.set(ref);
  m.executed_shares.set(shares);
  m.match_number.set(match);
  return encode(m);
}

inline Bytes order_executed_with_price(std::uint16_t locate, std::uint64_t ref, std::uint32_t shares,
                                       std::uint64_t match, char printable, std::uint32_t price,
                                       std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::OrderExecutedWithPrice>(locate, ts);
  m.order_reference_number.set(ref);
  m.executed_shares.set(shares);
  m.match_number.set(match);
  m.printable.set(std::string_view(&printable, 1));
  m.execution_price.set(price);
  return encode(m);
}

inline Bytes order_cancel(std::uint16_t locate, std::uint64_t ref, std::uint32_t shares,
                          std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::OrderCancel>(locate, ts);
  m.order_reference_number.set(ref);
  m.cancelled_shares.set(shares);
  return encode(m);
}

inline Bytes order_delete(std::uint16_t locate, std::uint64_t ref, std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::OrderDelete>(locate, ts);
  m.order_reference_number.set(ref);
  return encode(m);
}

inline Bytes order_replace(std::uint16_t locate, std::uint64_t old_ref, std::uint64_t new_ref, std::uint32_t shares,
                           std::uint32_t price, std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::OrderReplace>(locate, ts);
  m.original_order_reference_number.set(old_ref);
  m.new_order_reference_number.set(new_ref);
  m.shares.set(shares);
  m.price.set(price);
  return encode(m);
}

inline Bytes stock_directory(std::uint16_t locate, std::string_view stock, std::uint64_t ts = 10'000'000'000'000) {
  auto m = blank<itch::StockDirectory>(locate, ts);
  m.stock.set(stock);
  m.round_lot_size.set(100);
  m.etp_leverage_factor.set(0);
  return encode(m);
}

inline Bytes trading_action(std::uint16_t locate, std::string_view stock, char state,
                            std::uint64_t ts = 40'000'000'000'000) {
  auto m = blank<itch::StockTradingAction>(locate, ts);
  m.stock.set(stock);
  m.trading_state.set(std::string_view(&state, 1));
  return encode(m);
}

inline Bytes system_event(char code, std::uint64_t ts) {
  auto m = blank<itch::SystemEvent>(0, ts);
  m.event_code.set(std::string_view(&code, 1));
  return encode(m);
}

}  // namespace tickwire::test
