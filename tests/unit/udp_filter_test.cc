#include "dataplane/net/udp_filter.h"

#include <gtest/gtest.h>

namespace tickwire::net {
namespace {

TEST(ParseEndpoint, ReadsGroupAndPortWithWildcards) {
  EXPECT_EQ(parse_endpoint("233.54.12.111:26477"), (UdpEndpoint{0xE9360C6F, 26477}));
  EXPECT_EQ(parse_endpoint("233.54.12.111"), (UdpEndpoint{0xE9360C6F, 0}));
  EXPECT_EQ(parse_endpoint(":26477"), (UdpEndpoint{0, 26477}));
  EXPECT_EQ(parse_endpoint("*:26477"), (UdpEndpoint{0, 26477}));
  EXPECT_EQ(parse_endpoint("10.0.0.1:*"), (UdpEndpoint{0x0A000001, 0}));
}

TEST(ParseEndpoint, RejectsMalformedText) {
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1:1", "1.2.3.4:65536", "1.2.3.4:x", "a.b.c.d", "1..2.3"}) {
    EXPECT_FALSE(parse_endpoint(bad)) << bad;
  }
}

TEST(UdpFilter, EmptyAcceptsEverything) {
  const UdpFilter f;
  EXPECT_TRUE(f.accepts(0x01020304, 1));
}

TEST(UdpFilter, MatchesAnyListedEndpoint) {
  UdpFilter f;
  ASSERT_TRUE(f.add({0xE9360C6F, 26477}));
  ASSERT_TRUE(f.add({0, 30000}));
  EXPECT_TRUE(f.accepts(0xE9360C6F, 26477));
  EXPECT_FALSE(f.accepts(0xE9360C6F, 26478));
  EXPECT_FALSE(f.accepts(0xE9360C70, 26477));
  EXPECT_TRUE(f.accepts(0x01010101, 30000));
}

TEST(UdpFilter, RefusesMoreThanItsCapacity) {
  UdpFilter f;
  for (std::size_t i = 0; i < UdpFilter::kMaxEndpoints; ++i) ASSERT_TRUE(f.add({0, static_cast<std::uint16_t>(i + 1)}));
  EXPECT_FALSE(f.add({0, 9999}));
  EXPECT_EQ(f.size(), UdpFilter::kMaxEndpoints);
}

}  // namespace
}  // namespace tickwire::net
