// NASDAQ TotalView-ITCH 5.0 message layouts (spec version 5.0, all 23 message types).
//
// Each struct is an in-place view of one message: member names are the spec's field names in
// snake_case (as listed in shared/ITCH50_FIELDS.md), offsets are the spec's, and
// static_asserts pin both. for_each_field() visits every field in wire order with its JSON
// name; formatters, checksums and tests all walk messages through it, so the layout is
// written down exactly once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dataplane/core/wire_field.h"

namespace tickwire::itch {

using wire::Alpha;
using wire::Price4;
using wire::Price8;
using wire::U16;
using wire::U32;
using wire::U48;
using wire::U64;

// The 11 bytes every ITCH 5.0 message starts with.
struct MessageHeader {
  Alpha<1> message_type;
  U16 stock_locate;
  U16 tracking_number;
  U48 timestamp;  // nanoseconds since midnight, exchange (Eastern) time

  template <class Visitor>
  void for_each_field(Visitor&& v) const {
    v("type", message_type);
    v("stock_locate", stock_locate);
    v("tracking_number", tracking_number);
    v("timestamp", timestamp);
  }
};
static_assert(sizeof(MessageHeader) == 11);

#define TW_ITCH_MESSAGE(Name, code, length) \
  static constexpr std::string_view kName = #Name; \
  static constexpr char kType = code;              \
  static constexpr std::size_t kLength = length;

struct SystemEvent {
  TW_ITCH_MESSAGE(SystemEvent, 'S', 12)
  MessageHeader header;
  Alpha<1> event_code;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("event_code", event_code);
  }
};

struct StockDirectory {
  TW_ITCH_MESSAGE(StockDirectory, 'R', 39)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> market_category;
  Alpha<1> financial_status_indicator;
  U32 round_lot_size;
  Alpha<1> round_lots_only;
  Alpha<1> issue_classification;
  Alpha<2> issue_sub_type;
  Alpha<1> authenticity;
  Alpha<1> short_sale_threshold_indicator;
  Alpha<1> ipo_flag;
  Alpha<1> luld_reference_price_tier;
  Alpha<1> etp_flag;
  U32 etp_leverage_factor;
  Alpha<1> inverse_indicator;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("market_category", market_category);
    v("financial_status_indicator", financial_status_indicator);
    v("round_lot_size", round_lot_size);
    v("round_lots_only", round_lots_only);
    v("issue_classification", issue_classification);
    v("issue_sub_type", issue_sub_type);
    v("authenticity", authenticity);
    v("short_sale_threshold_indicator", short_sale_threshold_indicator);
    v("ipo_flag", ipo_flag);
    v("luld_reference_price_tier", luld_reference_price_tier);
    v("etp_flag", etp_flag);
    v("etp_leverage_factor", etp_leverage_factor);
    v("inverse_indicator", inverse_indicator);
  }
};

struct StockTradingAction {
  TW_ITCH_MESSAGE(StockTradingAction, 'H', 25)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> trading_state;
  Alpha<1> reserved;
  Alpha<4> reason;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("trading_state", trading_state);
    v("reserved", reserved);
    v("reason", reason);
  }
};

struct RegShoRestriction {
  TW_ITCH_MESSAGE(RegShoRestriction, 'Y', 20)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> reg_sho_action;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("reg_sho_action", reg_sho_action);
  }
};

struct MarketParticipantPosition {
  TW_ITCH_MESSAGE(MarketParticipantPosition, 'L', 26)
  MessageHeader header;
  Alpha<4> mpid;
  Alpha<8> stock;
  Alpha<1> primary_market_maker;
  Alpha<1> market_maker_mode;
  Alpha<1> market_participant_state;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("mpid", mpid);
    v("stock", stock);
    v("primary_market_maker", primary_market_maker);
    v("market_maker_mode", market_maker_mode);
    v("market_participant_state", market_participant_state);
  }
};

struct MwcbDeclineLevel {
  TW_ITCH_MESSAGE(MwcbDeclineLevel, 'V', 35)
  MessageHeader header;
  Price8 level1;
  Price8 level2;
  Price8 level3;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("level1", level1);
    v("level2", level2);
    v("level3", level3);
  }
};

struct MwcbStatus {
  TW_ITCH_MESSAGE(MwcbStatus, 'W', 12)
  MessageHeader header;
  Alpha<1> breached_level;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("breached_level", breached_level);
  }
};

struct IpoQuotingPeriodUpdate {
  TW_ITCH_MESSAGE(IpoQuotingPeriodUpdate, 'K', 28)
  MessageHeader header;
  Alpha<8> stock;
  U32 ipo_quotation_release_time;
  Alpha<1> ipo_quotation_release_qualifier;
  Price4 ipo_price;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("ipo_quotation_release_time", ipo_quotation_release_time);
    v("ipo_quotation_release_qualifier", ipo_quotation_release_qualifier);
    v("ipo_price", ipo_price);
  }
};

struct LuldAuctionCollar {
  TW_ITCH_MESSAGE(LuldAuctionCollar, 'J', 35)
  MessageHeader header;
  Alpha<8> stock;
  Price4 auction_collar_reference_price;
  Price4 upper_auction_collar_price;
  Price4 lower_auction_collar_price;
  U32 auction_collar_extension;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("auction_collar_reference_price", auction_collar_reference_price);
    v("upper_auction_collar_price", upper_auction_collar_price);
    v("lower_auction_collar_price", lower_auction_collar_price);
    v("auction_collar_extension", auction_collar_extension);
  }
};

struct OperationalHalt {
  TW_ITCH_MESSAGE(OperationalHalt, 'h', 21)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> market_code;
  Alpha<1> operational_halt_action;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("market_code", market_code);
    v("operational_halt_action", operational_halt_action);
  }
};

struct AddOrder {
  TW_ITCH_MESSAGE(AddOrder, 'A', 36)
  MessageHeader header;
  U64 order_reference_number;
  Alpha<1> buy_sell_indicator;
  U32 shares;
  Alpha<8> stock;
  Price4 price;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("buy_sell_indicator", buy_sell_indicator);
    v("shares", shares);
    v("stock", stock);
    v("price", price);
  }
};

struct AddOrderMpid {
  TW_ITCH_MESSAGE(AddOrderMpid, 'F', 40)
  MessageHeader header;
  U64 order_reference_number;
  Alpha<1> buy_sell_indicator;
  U32 shares;
  Alpha<8> stock;
  Price4 price;
  Alpha<4> attribution;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("buy_sell_indicator", buy_sell_indicator);
    v("shares", shares);
    v("stock", stock);
    v("price", price);
    v("attribution", attribution);
  }
};

struct OrderExecuted {
  TW_ITCH_MESSAGE(OrderExecuted, 'E', 31)
  MessageHeader header;
  U64 order_reference_number;
  U32 executed_shares;
  U64 match_number;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("executed_shares", executed_shares);
    v("match_number", match_number);
  }
};

struct OrderExecutedWithPrice {
  TW_ITCH_MESSAGE(OrderExecutedWithPrice, 'C', 36)
  MessageHeader header;
  U64 order_reference_number;
  U32 executed_shares;
  U64 match_number;
  Alpha<1> printable;
  Price4 execution_price;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("executed_shares", executed_shares);
    v("match_number", match_number);
    v("printable", printable);
    v("execution_price", execution_price);
  }
};

struct OrderCancel {
  TW_ITCH_MESSAGE(OrderCancel, 'X', 23)
  MessageHeader header;
  U64 order_reference_number;
  U32 cancelled_shares;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("cancelled_shares", cancelled_shares);
  }
};

struct OrderDelete {
  TW_ITCH_MESSAGE(OrderDelete, 'D', 19)
  MessageHeader header;
  U64 order_reference_number;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
  }
};

struct OrderReplace {
  TW_ITCH_MESSAGE(OrderReplace, 'U', 35)
  MessageHeader header;
  U64 original_order_reference_number;
  U64 new_order_reference_number;
  U32 shares;
  Price4 price;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("original_order_reference_number", original_order_reference_number);
    v("new_order_reference_number", new_order_reference_number);
    v("shares", shares);
    v("price", price);
  }
};

struct Trade {
  TW_ITCH_MESSAGE(Trade, 'P', 44)
  MessageHeader header;
  U64 order_reference_number;
  Alpha<1> buy_sell_indicator;
  U32 shares;
  Alpha<8> stock;
  Price4 price;
  U64 match_number;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("order_reference_number", order_reference_number);
    v("buy_sell_indicator", buy_sell_indicator);
    v("shares", shares);
    v("stock", stock);
    v("price", price);
    v("match_number", match_number);
  }
};

struct CrossTrade {
  TW_ITCH_MESSAGE(CrossTrade, 'Q', 40)
  MessageHeader header;
  U64 shares;  // 8 bytes in 5.0, unlike every other share count
  Alpha<8> stock;
  Price4 cross_price;
  U64 match_number;
  Alpha<1> cross_type;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("shares", shares);
    v("stock", stock);
    v("cross_price", cross_price);
    v("match_number", match_number);
    v("cross_type", cross_type);
  }
};

struct BrokenTrade {
  TW_ITCH_MESSAGE(BrokenTrade, 'B', 19)
  MessageHeader header;
  U64 match_number;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("match_number", match_number);
  }
};

struct NetOrderImbalance {
  TW_ITCH_MESSAGE(NetOrderImbalance, 'I', 50)
  MessageHeader header;
  U64 paired_shares;
  U64 imbalance_shares;
  Alpha<1> imbalance_direction;
  Alpha<8> stock;
  Price4 far_price;
  Price4 near_price;
  Price4 current_reference_price;
  Alpha<1> cross_type;
  Alpha<1> price_variation_indicator;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("paired_shares", paired_shares);
    v("imbalance_shares", imbalance_shares);
    v("imbalance_direction", imbalance_direction);
    v("stock", stock);
    v("far_price", far_price);
    v("near_price", near_price);
    v("current_reference_price", current_reference_price);
    v("cross_type", cross_type);
    v("price_variation_indicator", price_variation_indicator);
  }
};

struct RetailInterest {
  TW_ITCH_MESSAGE(RetailInterest, 'N', 20)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> interest_flag;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("interest_flag", interest_flag);
  }
};

struct DirectListingPriceDiscovery {
  TW_ITCH_MESSAGE(DirectListingPriceDiscovery, 'O', 48)
  MessageHeader header;
  Alpha<8> stock;
  Alpha<1> open_eligibility_status;
  Price4 minimum_allowable_price;
  Price4 maximum_allowable_price;
  Price4 near_execution_price;
  U64 near_execution_time;
  Price4 lower_price_range_collar;
  Price4 upper_price_range_collar;

  template <class V>
  void for_each_field(V&& v) const {
    header.for_each_field(v);
    v("stock", stock);
    v("open_eligibility_status", open_eligibility_status);
    v("minimum_allowable_price", minimum_allowable_price);
    v("maximum_allowable_price", maximum_allowable_price);
    v("near_execution_price", near_execution_price);
    v("near_execution_time", near_execution_time);
    v("lower_price_range_collar", lower_price_range_collar);
    v("upper_price_range_collar", upper_price_range_collar);
  }
};

#undef TW_ITCH_MESSAGE

// Applies F<Message> to every message type, in the spec's order. The one list of types.
template <template <class...> class F>
using AllMessages =
    F<SystemEvent, StockDirectory, StockTradingAction, RegShoRestriction,
      MarketParticipantPosition, MwcbDeclineLevel, MwcbStatus, IpoQuotingPeriodUpdate,
      LuldAuctionCollar, OperationalHalt, AddOrder, AddOrderMpid, OrderExecuted,
      OrderExecutedWithPrice, OrderCancel, OrderDelete, OrderReplace, Trade, CrossTrade,
      BrokenTrade, NetOrderImbalance, RetailInterest, DirectListingPriceDiscovery>;

inline constexpr std::size_t kMessageTypeCount = 23;

namespace detail {
template <class... M>
struct LayoutCheck {
  static constexpr bool kOk = ((sizeof(M) == M::kLength && alignof(M) == 1) && ...);
};
}  // namespace detail
static_assert(AllMessages<detail::LayoutCheck>::kOk, "an ITCH view does not match its spec length");

}  // namespace tickwire::itch
