// The feed merge: exact (replay) releases every feed's updates in the total order (time, feed
// rank, stream key, event index), holding while an open feed has nothing readable; live
// releases at or below every quiet feed's watermark, declares a feed that holds past
// max_hold lagging, counts its updates that come below what was released, and takes it back.
#include "dataplane/patterns/feed_merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/market_update.h"
#include "tests/support/market_updates.h"

namespace tickwire::test {
namespace {

using patterns::FeedMerge;
using patterns::MarketUpdate;
using patterns::MergeNotice;

// One feed: its ring (one reader: the merge under test), its watermark, its update maker.
struct Feed {
  std::unique_ptr<patterns::BroadcastRing<MarketUpdate>> ring;
  std::unique_ptr<patterns::FeedWatermark> watermark = std::make_unique<patterns::FeedWatermark>();
  UpdateMaker maker;

  Feed(std::uint16_t rank, std::size_t capacity)
      : ring(std::make_unique<patterns::BroadcastRing<MarketUpdate>>(capacity, 1)), maker{rank, 0} {}
  // Writes and publishes one update at `time` (a top of book of instrument 1).
  MarketUpdate put(std::uint64_t time) {
    const MarketUpdate u = maker.top(time, 1, 100, 1, 101, 1);
    EXPECT_TRUE(ring->try_write(u));
    ring->publish();
    return u;
  }
  void mark(std::uint64_t time) { watermark->time_ns.store(time); }
};

std::vector<patterns::MergeSource> sources_of(std::vector<Feed>& feeds) {
  std::vector<patterns::MergeSource> sources;
  for (Feed& f : feeds) sources.push_back({f.ring.get(), 0, f.watermark.get()});
  return sources;
}

struct Key {
  std::uint64_t time;
  std::uint16_t feed;
  std::uint64_t sequence;
  std::uint16_t event_index;
  bool operator==(const Key&) const = default;
};
Key key_of(const MarketUpdate& u) { return {u.time_ns, u.feed, u.sequence, u.event_index}; }

// Random updates of one feed in its own order: times rising or repeating (ties across feeds),
// messages of one to three updates (one stream key, rising event indexes).
std::vector<MarketUpdate> random_feed(std::uint16_t rank, std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<MarketUpdate> out;
  std::uint64_t time = 1000;
  std::uint64_t sequence = 0;
  while (out.size() < count) {
    time += rng() % 3;  // 0: the same time again
    ++sequence;
    const std::size_t events = 1 + rng() % 3;
    for (std::size_t e = 0; e < events && out.size() < count; ++e) {
      MarketUpdate u{};
      u.time_ns = time;
      u.sequence = sequence;
      u.feed = rank;
      u.event_index = static_cast<std::uint16_t>(e);
      u.instrument = static_cast<std::uint32_t>(rng() % 8);
      u.kind = patterns::UpdateKind::kTrade;
      out.push_back(u);
    }
  }
  return out;
}

std::vector<Key> sorted_keys(const std::vector<std::vector<MarketUpdate>>& written) {
  std::vector<MarketUpdate> all;
  for (const auto& w : written) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end(), [](const MarketUpdate& a, const MarketUpdate& b) {
    return patterns::merge_before(a, b);
  });
  std::vector<Key> keys;
  for (const MarketUpdate& u : all) keys.push_back(key_of(u));
  return keys;
}

TEST(FeedMerge, ExactReleasesEveryFeedInTheTotalOrder) {
  std::vector<Feed> feeds;
  std::vector<std::vector<MarketUpdate>> written;
  const std::vector<std::size_t> counts = {700, 450, 300};
  for (std::uint16_t f = 0; f < 3; ++f) {
    feeds.emplace_back(f, 1024);
    written.push_back(random_feed(f, counts[f], 11 + f));
    for (const MarketUpdate& u : written.back()) ASSERT_TRUE(feeds.back().ring->try_write(u));
    feeds.back().ring->close();
  }
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kExact);
  std::vector<Key> got;
  // Every ring is closed: whatever null peek() gives on the way, the merge must end.
  std::size_t polls = 0;
  for (; polls < 10'000 && !merge.done(); ++polls) {
    const MarketUpdate* u = merge.peek(0);
    if (u == nullptr) continue;
    got.push_back(key_of(*u));
    merge.pop();
    EXPECT_FALSE(merge.late());
  }
  ASSERT_LT(polls, 10'000u) << "the merge never ended";
  EXPECT_EQ(got, sorted_keys(written));
  EXPECT_EQ(merge.counters().released, 1450u);
  EXPECT_EQ(merge.counters().late, 0u);
  EXPECT_TRUE(merge.notices().empty());
  for (Feed& f : feeds) EXPECT_TRUE(f.ring->drained(0)) << "every reading position is handed back";
}

// Rings far smaller than what goes through them: the writers go on only as the merge hands
// their slots back, and the order is the same.
TEST(FeedMerge, ExactOrderHoldsThroughSmallRingsWrittenAsTheMergeReads) {
  std::vector<Feed> feeds;
  std::vector<std::vector<MarketUpdate>> written;
  for (std::uint16_t f = 0; f < 3; ++f) {
    feeds.emplace_back(f, 8);
    written.push_back(random_feed(f, 400 + 50 * f, 97 + f));
  }
  std::vector<std::size_t> next(3, 0);
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kExact);
  std::vector<Key> got;
  std::size_t rounds = 0;
  for (; rounds < 100'000 && !merge.done(); ++rounds) {
    for (std::size_t f = 0; f < 3; ++f) {
      while (next[f] < written[f].size() && feeds[f].ring->try_write(written[f][next[f]])) ++next[f];
      if (next[f] == written[f].size()) {
        feeds[f].ring->close();
      } else {
        feeds[f].ring->publish();
      }
    }
    while (const MarketUpdate* u = merge.peek(0)) {
      got.push_back(key_of(*u));
      merge.pop();
    }
  }
  ASSERT_LT(rounds, 100'000u) << "the merge stopped making progress";
  EXPECT_EQ(got, sorted_keys(written));
}

TEST(FeedMerge, ExactHoldsWhileAnOpenFeedHasNothingReadable) {
  std::vector<Feed> feeds;
  feeds.emplace_back(0, 16);
  feeds.emplace_back(1, 16);
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kExact);
  feeds[0].put(10);
  EXPECT_EQ(merge.peek(0), nullptr) << "feed 1 is open and empty: its next update may come before 10";
  feeds[1].put(20);
  const MarketUpdate* u = merge.peek(0);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 10u);
  EXPECT_EQ(u->feed, 0);
  merge.pop();
  EXPECT_EQ(merge.peek(0), nullptr) << "feed 0 is open and empty: 20 must wait";
  feeds[0].ring->close();
  u = merge.peek(0);
  ASSERT_NE(u, nullptr) << "feed 0 has ended: it holds nobody";
  EXPECT_EQ(u->time_ns, 20u);
  EXPECT_EQ(u->feed, 1);
  merge.pop();
  EXPECT_EQ(merge.peek(0), nullptr);
  EXPECT_FALSE(merge.done()) << "feed 1 is still open";
  feeds[1].ring->close();
  EXPECT_EQ(merge.peek(0), nullptr);
  EXPECT_TRUE(merge.done());
  EXPECT_EQ(merge.counters().released, 2u);
}

TEST(FeedMerge, ExactBreaksTiesOnTimeByFeedRank) {
  // Sources listed out of rank order, the lower rank with the higher stream keys: only the
  // rank may decide.
  std::vector<Feed> feeds;
  feeds.emplace_back(2, 16);
  feeds.emplace_back(0, 16);
  feeds.emplace_back(1, 16);
  feeds[1].maker.sequence = 500;
  feeds[2].maker.sequence = 200;
  feeds[0].put(5);
  feeds[0].put(10);
  feeds[1].put(10);
  feeds[1].put(11);
  feeds[2].put(10);
  for (Feed& f : feeds) f.ring->close();
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kExact);
  std::vector<std::pair<std::uint64_t, std::uint16_t>> got;
  for (std::size_t polls = 0; polls < 100 && !merge.done(); ++polls) {
    const MarketUpdate* u = merge.peek(0);
    if (u == nullptr) continue;
    got.emplace_back(u->time_ns, u->feed);
    merge.pop();
  }
  const std::vector<std::pair<std::uint64_t, std::uint16_t>> want = {{5, 2}, {10, 0}, {10, 1}, {10, 2}, {11, 0}};
  EXPECT_EQ(got, want);
  EXPECT_TRUE(merge.done());
}

TEST(FeedMerge, LiveReleasesAtOrBelowEveryQuietFeedsWatermark) {
  std::vector<Feed> feeds;
  feeds.emplace_back(0, 16);
  feeds.emplace_back(1, 16);
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kLive, 1'000'000);
  feeds[0].put(100);
  feeds[0].mark(100);
  feeds[1].mark(50);
  EXPECT_EQ(merge.peek(1000), nullptr) << "feed 1 may still send something below 100";
  feeds[1].mark(99);
  EXPECT_EQ(merge.peek(2000), nullptr);
  feeds[1].mark(100);
  const MarketUpdate* u = merge.peek(3000);
  ASSERT_NE(u, nullptr) << "at the quiet feed's watermark";
  EXPECT_EQ(u->time_ns, 100u);
  merge.pop();
  EXPECT_FALSE(merge.late());

  // Now feed 0 is the quiet one.
  feeds[1].put(180);
  feeds[1].mark(180);
  EXPECT_EQ(merge.peek(4000), nullptr) << "feed 0's watermark (100) is below 180";
  feeds[0].mark(250);
  u = merge.peek(5000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 180u);
  EXPECT_EQ(u->feed, 1);
  merge.pop();

  // A feed with an update readable holds by its update, whatever its watermark.
  EXPECT_EQ(merge.peek(5500), nullptr) << "nothing readable";
  feeds[0].put(260);
  feeds[1].put(255);
  u = merge.peek(6000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 255u);
  merge.pop();
  EXPECT_EQ(merge.peek(6000), nullptr) << "feed 1 quiet, watermark 180 below 260";

  // An ended feed holds nobody.
  feeds[1].ring->close();
  u = merge.peek(7000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 260u);
  merge.pop();

  EXPECT_TRUE(merge.notices().empty());
  EXPECT_EQ(merge.counters().lagging_episodes, 0u);
  EXPECT_EQ(merge.counters().late, 0u);
  EXPECT_EQ(merge.counters().released, 4u);
}

// Run with the lagging feed first and second among the sources (ranks follow): the
// declarations may not depend on where the feed is listed.
class FeedMergeLagging : public testing::TestWithParam<std::size_t> {};

TEST_P(FeedMergeLagging, AFeedThatHoldsPastMaxHoldIsLaggingUntilItsWatermarkCatchesUp) {
  const std::size_t lag = GetParam();
  const std::size_t other = 1 - lag;
  std::vector<Feed> feeds;
  feeds.emplace_back(0, 16);
  feeds.emplace_back(1, 16);
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kLive, 1000);
  feeds[other].put(100);
  feeds[other].put(200);
  feeds[other].put(300);
  feeds[other].mark(300);
  feeds[lag].mark(100);
  const MarketUpdate* u = merge.peek(4000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 100u);
  merge.pop();

  EXPECT_EQ(merge.peek(5000), nullptr) << "the hold starts";
  EXPECT_EQ(merge.peek(5999), nullptr) << "held for less than max_hold";
  EXPECT_TRUE(merge.notices().empty());
  EXPECT_EQ(merge.counters().lagging_episodes, 0u);
  u = merge.peek(6000);
  ASSERT_NE(u, nullptr) << "held for max_hold: the quiet feed no longer holds";
  EXPECT_EQ(u->time_ns, 200u);
  ASSERT_EQ(merge.notices().size(), 1u);
  EXPECT_EQ(merge.notices()[0].kind, MergeNotice::Kind::kLagging);
  EXPECT_EQ(merge.notices()[0].feed, lag);
  EXPECT_EQ(merge.notices()[0].time_ns, 100u) << "the released time when it was declared";
  EXPECT_EQ(merge.counters().lagging_episodes, 1u);
  merge.notices().clear();
  merge.pop();
  EXPECT_FALSE(merge.late());

  u = merge.peek(6001);
  ASSERT_NE(u, nullptr) << "a lagging feed holds nobody";
  EXPECT_EQ(u->time_ns, 300u);
  merge.pop();

  // The lagging feed speaks: below what was released, late; at it, not.
  feeds[lag].put(250);
  feeds[lag].put(300);
  u = merge.peek(6002);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 250u);
  EXPECT_EQ(u->feed, lag);
  merge.pop();
  EXPECT_TRUE(merge.late());
  EXPECT_EQ(merge.counters().late, 1u);
  u = merge.peek(6003);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 300u);
  merge.pop();
  EXPECT_FALSE(merge.late()) << "300 is not below the released 300";
  EXPECT_EQ(merge.counters().late, 1u);

  // Back once its watermark reaches what was released (the other feed quiet meanwhile).
  feeds[lag].mark(299);
  EXPECT_EQ(merge.peek(6004), nullptr);
  EXPECT_TRUE(merge.notices().empty()) << "299 is below the released 300";
  feeds[lag].mark(300);
  EXPECT_EQ(merge.peek(6005), nullptr);
  ASSERT_EQ(merge.notices().size(), 1u) << "its watermark has reached the released 300";
  EXPECT_EQ(merge.notices()[0].kind, MergeNotice::Kind::kCaughtUp);
  EXPECT_EQ(merge.notices()[0].feed, lag);
  EXPECT_EQ(merge.notices()[0].time_ns, 300u);
  merge.notices().clear();

  // Caught up, it holds again.
  feeds[other].put(400);
  feeds[other].mark(400);
  EXPECT_EQ(merge.peek(7000), nullptr) << "the feed is back: its watermark 300 holds 400";
  feeds[lag].put(350);
  u = merge.peek(7001);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 350u);
  merge.pop();
  EXPECT_FALSE(merge.late());
  EXPECT_EQ(merge.counters().lagging_episodes, 1u);
  EXPECT_EQ(merge.counters().released, 6u);
  EXPECT_TRUE(merge.notices().empty());
}

INSTANTIATE_TEST_SUITE_P(LaggingFeedListed, FeedMergeLagging, testing::Values(std::size_t{0}, std::size_t{1}),
                         [](const testing::TestParamInfo<std::size_t>& i) {
                           return i.param == 0 ? std::string("First") : std::string("Second");
                         });

// A feed whose last readable update the merge has just taken, and which then publishes more
// (below the other feed's head) and raises its watermark past them, as its RX core does at
// each publish: those updates are in the ring, so they come first, not late.
TEST(FeedMerge, LiveNeverOvertakesUpdatesAFeedHasPublished) {
  std::vector<Feed> feeds;
  feeds.emplace_back(0, 16);
  feeds.emplace_back(1, 16);
  FeedMerge merge(sources_of(feeds), FeedMerge::Mode::kLive, 1'000'000);
  feeds[0].put(120);
  feeds[0].mark(120);
  feeds[1].put(50);
  feeds[1].mark(50);
  const MarketUpdate* u = merge.peek(1000);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 50u);
  merge.pop();
  // The RX core of feed 1 writes two updates, publishes them, and moves its watermark.
  feeds[1].put(110);
  feeds[1].put(160);
  feeds[1].mark(160);
  u = merge.peek(1001);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->time_ns, 110u) << "feed 1's published 110 comes before feed 0's 120";
  EXPECT_EQ(u->feed, 1);
  merge.pop();
  EXPECT_FALSE(merge.late());
  EXPECT_EQ(merge.counters().late, 0u);
}

}  // namespace
}  // namespace tickwire::test
