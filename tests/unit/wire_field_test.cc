#include "dataplane/core/wire_field.h"

#include <gtest/gtest.h>

namespace tickwire::wire {
namespace {

template <class Field>
void expect_round_trip(std::uint64_t value) {
  Field f{};
  f.set(static_cast<typename Field::value_type>(value));
  EXPECT_EQ(f.value(), value);
  // Big-endian: the most significant byte comes first.
  EXPECT_EQ(f.bytes[0], static_cast<std::uint8_t>(value >> (8 * (Field::kSize - 1))));
  EXPECT_EQ(f.bytes[Field::kSize - 1], static_cast<std::uint8_t>(value));
}

TEST(BigEndianUint, RoundTripsEveryWidthAtItsLimits) {
  for (std::uint64_t v : {0ull, 1ull, 0x1234ull, 0xFFFFull}) expect_round_trip<U16>(v);
  for (std::uint64_t v : {0ull, 1ull, 0x12345678ull, 0xFFFFFFFFull}) expect_round_trip<U32>(v);
  for (std::uint64_t v : {0ull, 1ull, 0x123456789ABCull, 0xFFFFFFFFFFFFull}) expect_round_trip<U48>(v);
  for (std::uint64_t v : {0ull, 1ull, 0x0123456789ABCDEFull, ~0ull}) expect_round_trip<U64>(v);
}

TEST(BigEndianUint, ReadsBytesInPlaceWithoutAlignment) {
  const std::uint8_t bytes[] = {0xFF, 0x00, 0x00, 0x1F, 0x1A, 0xCE, 0xDB, 0x02};
  // A 6-byte timestamp starting at an odd address.
  EXPECT_EQ(view_as<U48>(bytes + 1).value(), 0x00001F1ACEDBull);
  EXPECT_EQ(view_as<U16>(bytes + 3).value(), 0x1F1A);
}

TEST(BigEndianUint, PricesKeepTheRawIntegerAndTheirScale) {
  Price4 p{};
  p.set(1502500);
  EXPECT_EQ(p.value(), 1502500u);
  EXPECT_EQ(Price4::kDecimals, 4u);
  EXPECT_EQ(Price8::kDecimals, 8u);
  EXPECT_EQ(U32::kDecimals, 0u);
}

TEST(Alpha, TrimsRightPaddingOnlyOnWideFields) {
  Alpha<8> stock{};
  stock.set("AAPL");
  EXPECT_EQ(stock.raw(), "AAPL    ");
  EXPECT_EQ(stock.trimmed(), "AAPL");
  stock.set("        ");
  EXPECT_EQ(stock.trimmed(), "");
  stock.set(" A B");
  EXPECT_EQ(stock.trimmed(), " A B");

  Alpha<1> flag{};
  flag.set(" ");
  EXPECT_EQ(flag.trimmed(), " ");
  EXPECT_EQ(flag.value(), ' ');
}

TEST(Alpha, SetTruncatesToTheFieldWidth) {
  Alpha<4> mpid{};
  mpid.set("ABCDEFG");
  EXPECT_EQ(mpid.raw(), "ABCD");
}

}  // namespace
}  // namespace tickwire::wire
