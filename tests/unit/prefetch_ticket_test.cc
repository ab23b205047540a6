// What the prefetch stages read of a message: the fields the book will look up, taken from
// the wire once; anything that is not an order message, or a block of the wrong length, is
// kNone (and nothing past the block is read: ASan runs this on blocks cut to size).
#include "dataplane/book/prefetch_ticket.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/itch_builder.h"

namespace tickwire::book {
namespace {

PrefetchTicket read(const std::vector<std::uint8_t>& m) {
  PrefetchTicket t;
  t.kind = TicketKind::kReplace;  // what a ticket of an earlier message left
  t.instrument = 9;
  read_prefetch_ticket(m.data(), m.size(), t);
  return t;
}

TEST(PrefetchTicket, AnAddNamesItsReferenceLocatePriceAndSide) {
  const PrefetchTicket bid = read(test::add_order(513, 0x0102030405060708ull, 'B', 100, "AAPL", 1'234'500));
  EXPECT_EQ(bid.kind, TicketKind::kAdd);
  EXPECT_EQ(bid.reference, 0x0102030405060708ull);
  EXPECT_EQ(bid.locate, 513);
  EXPECT_EQ(bid.price, 1'234'500u);
  EXPECT_TRUE(bid.bid);
  EXPECT_EQ(bid.instrument, 0u) << "the builder, not the wire, names the instrument";
  const PrefetchTicket ask = read(test::add_order_mpid(7, 99, 'S', 100, "MSFT", 42, "GSCO"));
  EXPECT_EQ(ask.kind, TicketKind::kAdd);
  EXPECT_EQ(ask.reference, 99u);
  EXPECT_EQ(ask.locate, 7);
  EXPECT_EQ(ask.price, 42u);
  EXPECT_FALSE(ask.bid);
}

TEST(PrefetchTicket, MessagesOnARestingOrderNameItsReference) {
  for (const auto& m : {test::order_executed(1, 77, 10, 5), test::order_executed_with_price(1, 77, 10, 5, 'Y', 100),
                        test::order_cancel(1, 77, 10), test::order_delete(1, 77)}) {
    const PrefetchTicket t = read(m);
    EXPECT_EQ(t.kind, TicketKind::kOnOrder) << char(m[0]);
    EXPECT_EQ(t.reference, 77u) << char(m[0]);
    EXPECT_EQ(t.new_reference, 77u) << "no second slot to load: the same one again";
    EXPECT_EQ(t.locate, 1) << char(m[0]);
    EXPECT_EQ(t.price, 0u) << "read from zeros, not from the message: only adds carry it here";
  }
  const PrefetchTicket u = read(test::order_replace(1, 77, 78, 10, 100));
  EXPECT_EQ(u.kind, TicketKind::kReplace);
  EXPECT_EQ(u.reference, 77u);
  EXPECT_EQ(u.new_reference, 78u);
  EXPECT_EQ(u.price, 0u);
}

TEST(PrefetchTicket, OtherMessagesAndWrongLengthsNameNothing) {
  EXPECT_EQ(read(test::system_event('Q', 1)).kind, TicketKind::kNone);
  EXPECT_EQ(read(test::stock_directory(1, "AAPL")).kind, TicketKind::kNone);
  EXPECT_EQ(read({}).kind, TicketKind::kNone);
  for (const auto& whole : {test::add_order(1, 5, 'B', 1, "A", 1), test::order_delete(1, 5),
                            test::order_replace(1, 5, 6, 1, 1)}) {
    // Cut one byte short, in a buffer of exactly that size.
    const std::vector<std::uint8_t> cut(whole.begin(), whole.end() - 1);
    const PrefetchTicket t = read(cut);
    EXPECT_EQ(t.kind, TicketKind::kNone) << char(whole[0]);
    EXPECT_EQ(t.reference, 0u) << "fields of a refused block come from zeros";
    EXPECT_EQ(t.instrument, 0u);
    std::vector<std::uint8_t> longer = whole;
    longer.push_back(0);
    EXPECT_EQ(read(longer).kind, TicketKind::kNone) << char(whole[0]);
  }
}

}  // namespace
}  // namespace tickwire::book
