// Stream keys: one rising order over a run that spans MoldUDP64 sessions.
#include "dataplane/events/stream_key.h"

#include <gtest/gtest.h>

namespace tickwire::events {
namespace {

TEST(StreamKeys, WithinOneSessionKeysRiseWithTheFeedSequence) {
  StreamKeys keys;
  const std::uint64_t a = keys.message(5);
  const std::uint64_t b = keys.message(6);
  const std::uint64_t c = keys.message(900);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(feed_sequence(a), 5u);
  EXPECT_EQ(feed_sequence(c), 900u);
  EXPECT_EQ(keys.ordinal(), 0u);
}

// 0 is what a watermark holds before anything came: a feed numbered from 0 must not key 0.
TEST(StreamKeys, AFeedNumberedFromZeroNeverGetsKeyZero) {
  StreamKeys keys;
  const std::uint64_t first = keys.message(0);
  EXPECT_GT(first, 0u);
  EXPECT_EQ(feed_sequence(first), 0u);
  EXPECT_GT(keys.message(1), first);
}

TEST(StreamKeys, TheLargestKeyedSequenceStaysBelowTheNextSession) {
  StreamKeys keys;
  const std::uint64_t last = keys.message(kMaxKeyedSequence);
  EXPECT_EQ(feed_sequence(last), kMaxKeyedSequence);
  const std::uint64_t next = keys.message(0);
  EXPECT_GT(next, last);
  EXPECT_EQ(feed_sequence(next), 0u);
}

TEST(StreamKeys, ASequenceThatFallsBackStartsTheNextSessionAboveTheLast) {
  StreamKeys keys;
  const std::uint64_t old_last = keys.message(1'000'000);
  const std::uint64_t first_new = keys.message(1);
  EXPECT_GT(first_new, old_last);
  EXPECT_EQ(feed_sequence(first_new), 1u);
  EXPECT_EQ(keys.ordinal(), 1u);
  // A repeated sequence is a new session too: within one the sequencer never repeats one.
  EXPECT_GT(keys.message(1), first_new);
  EXPECT_EQ(keys.ordinal(), 2u);
}

TEST(StreamKeys, AGapAboveTheLastMessageBelongsToTheCurrentSession) {
  StreamKeys keys;
  const std::uint64_t before = keys.message(100);
  const std::uint64_t gap = keys.gap(101, 104);
  EXPECT_GT(gap, before);
  EXPECT_LT(gap, keys.message(105));
  EXPECT_EQ(keys.ordinal(), 0u);
}

TEST(StreamKeys, AGapAtOrBelowTheLastMessageOpensTheNextSession) {
  StreamKeys keys;
  const std::uint64_t old_last = keys.message(5000);
  // A new session joined at a snapshot's resume point 40 with its first packet at 45.
  const std::uint64_t gap = keys.gap(40, 44);
  EXPECT_GT(gap, old_last);
  const std::uint64_t next = keys.message(45);
  EXPECT_GT(next, gap);
  EXPECT_EQ(feed_sequence(next), 45u);
  EXPECT_EQ(keys.ordinal(), 1u);
  // Later gaps and messages of that session stay in it.
  const std::uint64_t later_gap = keys.gap(60, 65);
  EXPECT_LT(later_gap, keys.message(70));
  EXPECT_EQ(keys.ordinal(), 1u);
}

TEST(StreamKeys, TheFirstGapOfARunIsNotANewSession) {
  StreamKeys keys;
  const std::uint64_t gap = keys.gap(1, 2);
  EXPECT_EQ(feed_sequence(gap), 1u);
  EXPECT_LT(gap, keys.message(3));
  EXPECT_EQ(keys.ordinal(), 0u);
}

// A session that is only a hole, followed by yet another session: each falls back, each is
// a session of its own, and the keys keep the stream's order.
TEST(StreamKeys, ASessionThatIsOnlyAHoleIsASessionOfItsOwn) {
  StreamKeys keys;
  const std::uint64_t a = keys.message(5000);
  const std::uint64_t b = keys.gap(40, 44);
  const std::uint64_t c = keys.message(10);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(keys.ordinal(), 2u);
}

}  // namespace
}  // namespace tickwire::events
