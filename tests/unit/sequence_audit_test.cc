#include "dataplane/feed/sequence_audit.h"

#include <gtest/gtest.h>

#include <vector>

namespace tickwire::feed {
namespace {

SessionId session(const char (&name)[11]) {
  wire::Alpha<10> a{};
  a.set(name);
  return SessionId::from(a);
}

std::vector<SequenceRange> gaps(const SequenceAudit& a) {
  std::vector<SequenceRange> out;
  a.for_each_gap([&](const SessionId&, const SequenceRange& r) { out.push_back(r); });
  return out;
}

class SequenceAuditTest : public ::testing::Test {
 protected:
  std::unique_ptr<SequenceAudit> audit = std::make_unique<SequenceAudit>();
  std::size_t s = audit->session(session("0000000001"));
  std::vector<SequenceVerdict> feed(std::initializer_list<std::uint64_t> seqs) {
    std::vector<SequenceVerdict> v;
    for (auto q : seqs) v.push_back(audit->on_message(s, q));
    return v;
  }
};

TEST_F(SequenceAuditTest, StartsWhereverTheCaptureStarts) {
  feed({14764496, 14764497, 14764498});
  EXPECT_TRUE(gaps(*audit).empty());
  EXPECT_EQ(audit->totals().new_messages, 3u);
}

TEST_F(SequenceAuditTest, ReportsTheExactMissingRange) {
  feed({1, 2, 3, 7, 8, 20});
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{4, 6}, {9, 19}}));
  EXPECT_EQ(audit->missing_messages(), 14u);
  EXPECT_EQ(audit->totals().gaps_opened, 2u);
}

TEST_F(SequenceAuditTest, LateMessagesFillHolesFromEitherEndOrTheMiddle) {
  feed({1, 10});
  using V = SequenceVerdict;
  EXPECT_EQ(feed({2, 9, 5}), (std::vector<V>{V::kLate, V::kLate, V::kLate}));
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{3, 4}, {6, 8}}));
  feed({3, 4, 6, 7, 8});
  EXPECT_TRUE(gaps(*audit).empty());
  EXPECT_EQ(audit->totals().late_messages, 8u);
  EXPECT_EQ(audit->totals().duplicate_messages, 0u);
}

TEST_F(SequenceAuditTest, RepeatsAreDuplicatesNotLate) {
  feed({1, 2, 5});
  using V = SequenceVerdict;
  EXPECT_EQ(feed({2, 1, 5, 3, 3}), (std::vector<V>{V::kDuplicate, V::kDuplicate, V::kDuplicate, V::kLate, V::kDuplicate}));
  EXPECT_EQ(audit->totals().duplicate_messages, 4u);
}

TEST_F(SequenceAuditTest, HeartbeatsAndEndOfSessionRevealALostTail) {
  feed({1, 2, 3});
  audit->on_next_expected(s, 4);  // heartbeat: nothing missing
  EXPECT_TRUE(gaps(*audit).empty());
  audit->on_next_expected(s, 7);  // end of session says 4..6 were sent
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{4, 6}}));
  audit->on_next_expected(s, 5);  // an older heartbeat changes nothing
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{4, 6}}));
  audit->on_next_expected(s, 9);  // more lost with nothing received between: the same gap
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{4, 8}}));
  EXPECT_EQ(audit->totals().gaps_opened, 1u);
}

TEST_F(SequenceAuditTest, AHeartbeatFirstSetsTheStart) {
  audit->on_next_expected(s, 500);
  feed({500, 501});
  EXPECT_TRUE(gaps(*audit).empty());
  feed({503});
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{502, 502}}));
}

TEST_F(SequenceAuditTest, KeepsSessionsApart) {
  const std::size_t other = audit->session(session("0000000002"));
  EXPECT_NE(other, s);
  EXPECT_EQ(audit->session(session("0000000001")), s);
  feed({1, 2});
  audit->on_message(other, 100);
  audit->on_message(other, 102);
  EXPECT_EQ(gaps(*audit), (std::vector<SequenceRange>{{101, 101}}));
}

TEST_F(SequenceAuditTest, SessionTableHasAFixedSize) {
  for (std::size_t i = 1; i < SequenceAudit::kMaxSessions; ++i) {
    char name[11];
    std::snprintf(name, sizeof name, "S%09zu", i);
    wire::Alpha<10> a{};
    a.set(name);
    EXPECT_NE(audit->session(SessionId::from(a)), SequenceAudit::kNoSession);
  }
  EXPECT_EQ(audit->session(session("OVERFLOW00")), SequenceAudit::kNoSession);
}

TEST_F(SequenceAuditTest, EvictsTheOldestHoleWhenFull) {
  std::uint64_t q = 1;
  for (std::size_t i = 0; i <= SequenceAudit::kMaxOpenHoles + 1; ++i) {  // kMax + 1 holes
    audit->on_message(s, q);
    q += 2;  // leaves a one-message hole each time
  }
  EXPECT_EQ(audit->totals().holes_evicted, 1u);
  EXPECT_EQ(gaps(*audit).size(), SequenceAudit::kMaxOpenHoles);
  EXPECT_EQ(gaps(*audit).front().first, 4u);  // hole {2,2} was forgotten
  EXPECT_EQ(audit->on_message(s, 2), SequenceVerdict::kDuplicate);
  EXPECT_EQ(audit->on_message(s, 4), SequenceVerdict::kLate);
}

TEST_F(SequenceAuditTest, SplittingAFullTableForgetsTheUpperPart) {
  std::uint64_t q = 1;
  audit->on_message(s, q);
  q = 100;  // first hole {2..99}, large enough to split
  for (std::size_t i = 0; i < SequenceAudit::kMaxOpenHoles; ++i) {
    audit->on_message(s, q);
    q += 2;
  }
  ASSERT_EQ(gaps(*audit).size(), SequenceAudit::kMaxOpenHoles);
  EXPECT_EQ(audit->on_message(s, 50), SequenceVerdict::kLate);
  EXPECT_EQ(gaps(*audit).front(), (SequenceRange{2, 49}));
  EXPECT_EQ(audit->totals().holes_evicted, 1u);
}

}  // namespace
}  // namespace tickwire::feed
