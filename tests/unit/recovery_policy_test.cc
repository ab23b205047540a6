#include "controlplane/recovery/recovery_policy.h"

#include <gtest/gtest.h>

namespace tickwire::recovery {
namespace {

using feed::SequenceRange;

TEST(RecoveryPolicy, WaitsThenAsksThenRetriesThenGivesUp) {
  RecoveryPolicy p({1000, 10'000, 3, 100, 0});
  SequenceRange ask;
  const SequenceRange hole{50, 59};
  EXPECT_FALSE(p.next_request(true, hole, 0, ask));    // first seen: line B may still fill it
  EXPECT_FALSE(p.next_request(true, hole, 999, ask));
  ASSERT_TRUE(p.next_request(true, hole, 1000, ask));
  EXPECT_EQ(ask, hole);
  EXPECT_FALSE(p.next_request(true, hole, 5000, ask));  // waiting for the answer
  EXPECT_TRUE(p.next_request(true, hole, 11'000, ask));
  EXPECT_TRUE(p.next_request(true, hole, 21'000, ask));
  EXPECT_FALSE(p.next_request(true, hole, 31'000, ask));  // three attempts made
  EXPECT_FALSE(p.exhausted(30'000));
  EXPECT_TRUE(p.exhausted(31'000));
  EXPECT_EQ(p.stats().requests, 3u);
  EXPECT_EQ(p.stats().retries, 2u);
  EXPECT_FALSE(p.next_request(false, hole, 40'000, ask));  // declared by the sequencer meanwhile
  EXPECT_EQ(p.stats().holes_abandoned, 1u);
  EXPECT_EQ(p.stats().holes_recovered, 0u);
}

TEST(RecoveryPolicy, RecordsHowLongARecoveredHoleTook) {
  RecoveryPolicy p({0, 10'000, 3, 100, 0});
  SequenceRange ask;
  ASSERT_TRUE(p.next_request(true, {10, 20}, 100, ask));
  EXPECT_FALSE(p.next_request(false, {}, 2100, ask));
  EXPECT_EQ(p.stats().holes_recovered, 1u);
  EXPECT_EQ(p.stats().latency.count(), 1u);
  EXPECT_EQ(p.stats().latency.max(), 2000u);
  // A hole filled by the other line before any request is not recovery's.
  RecoveryPolicy q({1000, 10'000, 3, 100, 0});
  EXPECT_FALSE(q.next_request(true, {30, 30}, 0, ask));
  EXPECT_FALSE(q.next_request(false, {}, 10, ask));
  EXPECT_EQ(q.stats().holes_recovered, 0u);
  EXPECT_EQ(q.stats().requests, 0u);
}

TEST(RecoveryPolicy, CapsTheRangeAndFollowsAHoleThatShrinks) {
  RecoveryPolicy p({0, 10'000, 3, 100, 0});
  SequenceRange ask;
  ASSERT_TRUE(p.next_request(true, {1, 1000}, 0, ask));
  EXPECT_EQ(ask, (SequenceRange{1, 100}));
  // The answer filled 1..100: the hole now starts at 101, a new one to ask about at once.
  ASSERT_TRUE(p.next_request(true, {101, 1000}, 50, ask));
  EXPECT_EQ(ask, (SequenceRange{101, 200}));
  EXPECT_EQ(p.stats().holes_recovered, 1u);
}

TEST(RecoveryPolicy, AnAnswerArrivingInPiecesIsOneRequestNotMany) {
  RecoveryPolicy p({0, 10'000, 3, 1000, 0});
  SequenceRange ask;
  ASSERT_TRUE(p.next_request(true, {1, 300}, 0, ask));
  EXPECT_EQ(ask, (SequenceRange{1, 300}));
  // The answer's first packets fill 1..40, then 41..90: the rest is on its way.
  EXPECT_FALSE(p.next_request(true, {41, 300}, 10, ask));
  EXPECT_FALSE(p.next_request(true, {91, 300}, 20, ask));
  EXPECT_EQ(p.stats().requests, 1u);
  EXPECT_EQ(p.stats().holes_recovered, 0u);
  // Stalled past the retry: what is still missing is asked again.
  ASSERT_TRUE(p.next_request(true, {91, 300}, 10'020, ask));
  EXPECT_EQ(ask, (SequenceRange{91, 300}));
  EXPECT_FALSE(p.next_request(false, {}, 10'100, ask));
  EXPECT_EQ(p.stats().holes_recovered, 1u);
  EXPECT_EQ(p.stats().latency.max(), 10'100u);
}

TEST(RecoveryPolicy, AHoleTooLargeIsNotAskedForAndIsGivenUpAtOnce) {
  RecoveryConfig config{0, 10'000, 3, 100, 0};
  config.max_hole_messages = 500;
  RecoveryPolicy p(config);
  SequenceRange ask;
  EXPECT_FALSE(p.next_request(true, {1, 501}, 0, ask));
  EXPECT_TRUE(p.exhausted(0));  // the sequencer's window judges it
  EXPECT_EQ(p.stats().holes_too_large, 1u);
  EXPECT_FALSE(p.next_request(false, {}, 10, ask));
  EXPECT_EQ(p.stats().requests, 0u);
  EXPECT_EQ(p.stats().holes_abandoned, 0u);
  ASSERT_TRUE(p.next_request(true, {600, 1099}, 20, ask));  // 500 messages: asked for
  EXPECT_EQ(p.stats().holes_too_large, 1u);
}

TEST(RecoveryPolicy, RespectsTheRateLimit) {
  RecoveryPolicy p({0, 0, 10, 100, 5000});
  SequenceRange ask;
  EXPECT_TRUE(p.next_request(true, {1, 1}, 0, ask));
  EXPECT_FALSE(p.next_request(true, {1, 1}, 4999, ask));
  EXPECT_TRUE(p.next_request(true, {1, 1}, 5000, ask));
}

}  // namespace
}  // namespace tickwire::recovery
