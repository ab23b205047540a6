// The sequencer: every sequence number once and in order across lines, duplicates and
// partial overlaps dropped, reordering absorbed by the buffer, and gaps declared with exact
// ranges when the window runs out, the buffer fills or the session ends. Checked on hand-made
// cases and on generated two-line captures against the generator's sidecar.
#include "dataplane/feed/sequencer.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "dataplane/net/udp_frame.h"
#include "pcap_samples/generator/scenario_runner.h"
#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::feed {
namespace {

using test::Bytes;

struct Recorder {
  std::vector<std::uint64_t> sequences;
  std::vector<std::pair<SequenceRange, GapCause>> gaps;
  void on_message(const MessageContext& ctx, const std::uint8_t*, std::size_t) { sequences.push_back(ctx.sequence); }
  void on_gap(const SessionId&, SequenceRange lost, GapCause cause) { gaps.emplace_back(lost, cause); }
  // Where each new session began: (messages, gaps) delivered before it.
  std::vector<std::pair<std::size_t, std::size_t>> new_sessions;
  void on_new_session(const SessionId&) { new_sessions.emplace_back(sequences.size(), gaps.size()); }
};

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t q = first; q <= last; ++q) v.push_back(q);
  return v;
}

Bytes packet(std::uint64_t first, unsigned count, const char* session = "SESSION001") {
  std::vector<Bytes> messages(count, test::itch_message('S'));
  return test::mold_packet(session, first, messages);
}

class SequencerTest : public ::testing::Test {
 protected:
  SequencerConfig config{1'000'000, 8, 2048};
  Recorder out;
  std::unique_ptr<Sequencer<Recorder>> seq = std::make_unique<Sequencer<Recorder>>(config, out);
  void feed(const Bytes& p, std::uint64_t t, unsigned line = 0) {
    const test::ExactBuffer b(p);
    seq->on_packet(b.data(), b.size(), t, line);
  }
};

TEST_F(SequencerTest, InOrderPacketsPassStraightThrough) {
  feed(packet(100, 3), 1);
  feed(packet(103, 2), 2);
  EXPECT_EQ(out.sequences, range(100, 104));
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_EQ(seq->stats().buffered_packets, 0u);
  EXPECT_FALSE(seq->hole_open());
}

TEST_F(SequencerTest, DuplicatesAndPartialOverlapsDeliverOnlyWhatIsNew) {
  feed(packet(1, 5), 1);
  feed(packet(1, 5), 2);   // a full copy
  feed(packet(3, 6), 3);   // 3..8: 6, 7, 8 are new
  EXPECT_EQ(out.sequences, range(1, 8));
  EXPECT_EQ(seq->stats().duplicates, 5u + 3u);
}

TEST_F(SequencerTest, ReorderedPacketsAreDeliveredInOrderWithinTheWindow) {
  feed(packet(1, 2), 0);
  feed(packet(5, 2), 10);  // 3..4 missing for now
  feed(packet(7, 1), 20);
  EXPECT_EQ(out.sequences, range(1, 2));
  EXPECT_TRUE(seq->hole_open());
  feed(packet(3, 2), 500'000);  // within the 1 ms window
  EXPECT_EQ(out.sequences, range(1, 7));
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_EQ(seq->stats().recovered, 2u);
  EXPECT_EQ(seq->stats().buffered_packets, 2u);
  EXPECT_FALSE(seq->hole_open());
}

TEST_F(SequencerTest, AHoleNobodyFillsIsDeclaredAfterTheWindow) {
  feed(packet(1, 2), 0);
  feed(packet(6, 2), 100);
  seq->poll(999'999);
  EXPECT_TRUE(out.gaps.empty());
  seq->poll(1'000'100);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{3, 5}));
  EXPECT_EQ(out.gaps[0].second, GapCause::kWindowExpired);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 2, 6, 7}));
  feed(packet(3, 3), 2'000'000);  // too late: counted as duplicates
  EXPECT_EQ(out.sequences.size(), 4u);
  EXPECT_EQ(seq->stats().gap_messages, 3u);
}

// Live, a burst polled after the RX thread lost its CPU carries a late stamp: the copy that
// fills a hole, later in that burst, still fills it; the window is judged by poll() at the
// burst's end.
TEST_F(SequencerTest, LiveTheWindowIsJudgedAtTheEndOfABurstNotAtEachPacket) {
  config.judge_window_per_packet = false;
  seq = std::make_unique<Sequencer<Recorder>>(config, out);
  feed(packet(1, 2), 0);
  feed(packet(5, 1), 100);                    // hole 3..4 opens
  feed(packet(6, 1), 5'000'000);              // the next burst, stamped 5 ms later
  feed(packet(3, 2), 5'000'000, /*line=*/1);  // the other line's copy, in the same burst
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_EQ(out.sequences, range(1, 6));
  feed(packet(8, 1), 6'000'000);  // hole 7 opens; nothing fills it
  feed(packet(9, 1), 9'000'000);
  EXPECT_TRUE(out.gaps.empty());
  seq->poll(9'000'000);  // the burst's end: the window has passed
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{7, 7}));
  EXPECT_EQ(out.gaps[0].second, GapCause::kWindowExpired);

  // Replay (the default) judges at each packet, on its capture time: the same input declares
  // 3..4 lost before the late copy is looked at.
  Recorder replayed;
  config.judge_window_per_packet = true;
  Sequencer<Recorder> replay(config, replayed);
  for (const auto& [p, t, line] : std::vector<std::tuple<Bytes, std::uint64_t, unsigned>>{
           {packet(1, 2), 0, 0}, {packet(5, 1), 100, 0}, {packet(6, 1), 5'000'000, 0}, {packet(3, 2), 5'000'000, 1}}) {
    const test::ExactBuffer b(p);
    replay.on_packet(b.data(), b.size(), t, line);
  }
  ASSERT_EQ(replayed.gaps.size(), 1u);
  EXPECT_EQ(replayed.gaps[0].first, (SequenceRange{3, 4}));
}

TEST_F(SequencerTest, AHeldHoleOutlivesTheWindowUntilReleased) {
  feed(packet(1, 2), 0);
  feed(packet(6, 2), 100);  // hole 3..5
  seq->hold_hole(3);        // live recovery has asked for it
  seq->poll(5'000'000);
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_TRUE(seq->hole_open());
  seq->release_hole();
  seq->poll(5'000'001);  // the window passed long ago: declared at once
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{3, 5}));
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 2, 6, 7}));
}

TEST_F(SequencerTest, WithRecoveryAHoleThatWaitedBehindAnotherGetsAFreshWindow) {
  seq->pace_gaps_for_recovery();
  feed(packet(1, 1), 0);
  feed(packet(3, 1), 10);  // hole 2
  feed(packet(5, 1), 20);  // hole 4, behind it
  seq->hold_hole(2);
  seq->poll(5'000'000);
  EXPECT_TRUE(out.gaps.empty());
  seq->release_hole();  // recovery gave up on 2
  seq->poll(5'000'001);
  ASSERT_EQ(out.gaps.size(), 1u);  // 4 was not asked for yet: it waits from now
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{2, 2}));
  seq->poll(5'999'999);
  EXPECT_EQ(out.gaps.size(), 1u);
  seq->poll(6'000'001);
  ASSERT_EQ(out.gaps.size(), 2u);
  EXPECT_EQ(out.gaps[1].first, (SequenceRange{4, 4}));
}

TEST_F(SequencerTest, AHoldCoversOnlyItsOwnHoleAndNotAFullBuffer) {
  feed(packet(1, 1), 0);
  feed(packet(3, 1), 10);  // hole 2
  seq->hold_hole(2);
  feed(packet(2, 1), 20);  // filled: the hold is spent
  feed(packet(5, 1), 30);  // hole 4, not held
  seq->poll(2'000'000);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{4, 4}));
  seq->hold_hole(6);
  for (std::uint64_t p = 0; p < 9; ++p) feed(packet(7 + p, 1), 3'000'000 + p);  // 8 slots, 9 packets ahead
  ASSERT_EQ(out.gaps.size(), 2u);
  EXPECT_EQ(out.gaps[1].second, GapCause::kBufferFull);
}

TEST_F(SequencerTest, EveryHoleOlderThanTheWindowIsDeclaredAtOnce) {
  feed(packet(1, 1), 0);
  feed(packet(3, 1), 10);     // hole 2
  feed(packet(5, 1), 20);     // hole 4
  feed(packet(7, 1), 900'000);  // hole 6, known later
  seq->poll(1'000'050);
  ASSERT_EQ(out.gaps.size(), 2u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{2, 2}));
  EXPECT_EQ(out.gaps[1].first, (SequenceRange{4, 4}));
  EXPECT_TRUE(seq->hole_open());  // hole 6 has waited only 100 us
  seq->poll(1'900'000);
  ASSERT_EQ(out.gaps.size(), 3u);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 3, 5, 7}));
}

TEST_F(SequencerTest, AHeartbeatRevealsALostTail) {
  feed(packet(1, 2), 0);
  feed(test::mold_packet_with_count("SESSION001", 6, 0, {}), 10);  // next is 6: 3..5 lost
  EXPECT_TRUE(seq->hole_open());
  seq->poll(2'000'000);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{3, 5}));
  EXPECT_FALSE(seq->hole_open());
  feed(packet(6, 1), 3'000'000);
  EXPECT_EQ(out.sequences.back(), 6u);
}

TEST_F(SequencerTest, AFullBufferForcesTheGap) {
  feed(packet(1, 1), 0);
  for (std::uint64_t p = 0; p < 9; ++p) feed(packet(10 + p, 1), 10 + p);  // 2..9 lost; buffer holds 8
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{2, 9}));
  EXPECT_EQ(out.gaps[0].second, GapCause::kBufferFull);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 10, 11, 12, 13, 14, 15, 16, 17, 18}));
}

TEST_F(SequencerTest, APacketTooLargeToBufferIsLeftToTheOtherLineOrTheGap) {
  feed(packet(1, 1), 0);
  feed(packet(3, 200), 10);  // 200 blocks: over the 2048-byte slot
  EXPECT_EQ(seq->stats().oversized_packets, 1u);
  feed(packet(2, 1), 20);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(seq->hole_open());  // 3..202 are still owed
  feed(packet(3, 200), 30, 1);    // the other line's copy, in order now
  EXPECT_EQ(out.sequences.size(), 202u);
  EXPECT_FALSE(seq->hole_open());
}

TEST_F(SequencerTest, ANewSessionEndsTheOldOnesHoles) {
  feed(packet(1, 1), 0);
  feed(packet(4, 1), 1);
  feed(packet(1, 2, "SESSION002"), 2);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{2, 3}));
  EXPECT_EQ(out.gaps[0].second, GapCause::kSessionEnded);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 4, 1, 2}));
  EXPECT_EQ(seq->stats().session_changes, 1u);
  // The next day begins after the old session's last message and gap, before the new one's
  // first message; the first session is no change.
  EXPECT_EQ(out.new_sessions, (std::vector<std::pair<std::size_t, std::size_t>>{{2, 1}}));
}

TEST_F(SequencerTest, TwoLinesFillEachOthersLossesAndReportLag) {
  for (std::uint64_t p = 0; p < 100; ++p) {
    const std::uint64_t first = 1 + 3 * p;
    if (p % 7 != 3) feed(packet(first, 3), 1000 * p, 0);        // A loses one packet in 7
    if (p % 7 != 5) feed(packet(first, 3), 1000 * p + 250, 1);  // B, 250 ns later, another
  }
  seq->finish();
  EXPECT_EQ(out.sequences, range(1, 300));
  EXPECT_TRUE(out.gaps.empty());
  const SequencerStats& s = seq->stats();
  EXPECT_EQ(s.lines[0].messages_first + s.lines[1].messages_first, 300u);
  EXPECT_GT(s.lines[1].messages_first, 0u);  // B won where A lost
  EXPECT_GT(s.lines[1].lag_samples, 50u);
  EXPECT_EQ(s.lines[1].lag_total_ns / s.lines[1].lag_samples, 250u);
  EXPECT_EQ(seq->line_missing(0), 3u * 14u);
  EXPECT_EQ(seq->line_missing(1), 3u * 14u);
}

TEST_F(SequencerTest, ATruncatedPacketsTailComesFromTheOtherLine) {
  Bytes cut = packet(1, 4);
  cut.resize(cut.size() - 5);  // the 4th block overruns
  feed(cut, 0, 0);
  EXPECT_EQ(out.sequences, range(1, 3));
  EXPECT_TRUE(seq->hole_open());
  feed(packet(1, 4), 100, 1);
  EXPECT_EQ(out.sequences, range(1, 4));
  EXPECT_FALSE(seq->hole_open());
}

TEST_F(SequencerTest, FinishDeclaresEverythingStillMissing) {
  feed(packet(1, 1), 0);
  feed(packet(5, 1), 1);
  feed(test::mold_packet_with_count("SESSION001", 9, 0xFFFF, {}), 2);  // end of session: next is 9
  seq->finish();
  ASSERT_EQ(out.gaps.size(), 2u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{2, 4}));
  EXPECT_EQ(out.gaps[1].first, (SequenceRange{6, 8}));
}

// --- late join after a snapshot (resume_at)

SessionId session_id(std::string_view name) {
  MoldUdp64Header h{};
  h.session.set(name);
  return SessionId::from(h.session);
}

TEST_F(SequencerTest, AResumePointSkipsWhatTheSnapshotHoldsAndDeliversTheRestInOrder) {
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 5));
  EXPECT_TRUE(seq->resume_pending());
  feed(packet(1, 3), 1);  // 1..3: in the snapshot
  EXPECT_FALSE(seq->resume_pending());
  EXPECT_TRUE(out.sequences.empty());
  feed(packet(4, 3), 2);  // 4 in the snapshot, 5 and 6 live
  feed(packet(7, 2), 3);
  feed(packet(4, 3), 4, 1);  // line B's copy: 4 is below the resume point, 5 and 6 are copies
  EXPECT_EQ(out.sequences, range(5, 8));
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_FALSE(seq->hole_open());
  EXPECT_EQ(seq->stats().before_resume, 3u + 1u + 1u);
  EXPECT_EQ(seq->stats().duplicates, 2u) << "messages below the resume point are not duplicates";
  EXPECT_EQ(seq->stats().delivered, 4u);
  seq->finish();
  EXPECT_TRUE(out.gaps.empty()) << "what lies below the resume point is never a gap";
}

TEST_F(SequencerTest, AHoleBetweenTheResumePointAndTheFirstLivePacketIsARealHole) {
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 5));
  feed(packet(8, 2), 0);  // 5..7 are neither in the snapshot nor here
  EXPECT_TRUE(seq->hole_open());
  SequenceRange hole;
  ASSERT_TRUE(seq->first_hole(hole));
  EXPECT_EQ(hole, (SequenceRange{5, 7})) << "recovery asks for exactly this";
  feed(packet(5, 3), 500'000, 1);  // the other line (or recovery) fills it in time
  EXPECT_EQ(out.sequences, range(5, 9));
  EXPECT_FALSE(seq->hole_open());

  Recorder late;
  auto other = std::make_unique<Sequencer<Recorder>>(config, late);  // large: not on the stack
  ASSERT_TRUE(other->resume_at(session_id("SESSION001"), 5));
  const test::ExactBuffer p(packet(8, 2));
  other->on_packet(p.data(), p.size(), 0, 0);
  other->poll(2'000'000);
  ASSERT_EQ(late.gaps.size(), 1u);
  EXPECT_EQ(late.gaps[0].first, (SequenceRange{5, 7}));
  EXPECT_EQ(late.sequences, range(8, 9));
}

TEST_F(SequencerTest, AHeartbeatAtTheResumePointOpensNoHole) {
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 5));
  feed(test::mold_packet_with_count("SESSION001", 5, 0, {}), 0);
  EXPECT_FALSE(seq->hole_open());
  feed(packet(5, 1), 10);
  EXPECT_EQ(out.sequences, range(5, 5));
}

TEST_F(SequencerTest, ABlankSessionResumesWhicheverSessionComesFirst) {
  ASSERT_TRUE(seq->resume_at(session_id("          "), 3));
  feed(packet(1, 4, "ANYNAME001"), 0);
  EXPECT_EQ(out.sequences, range(3, 4));
  EXPECT_EQ(seq->stats().before_resume, 2u);
  EXPECT_FALSE(seq->resume_at(session_id("ANYNAME001"), 10)) << "that session has started";
  EXPECT_FALSE(seq->resume_at(SessionId{}, 10)) << "a session has started";
}

TEST_F(SequencerTest, AJoinHoldsEverythingUntilTheSnapshotThenDeliversFromItsResumePoint) {
  seq->begin_join();
  feed(packet(1, 2), 0);
  feed(packet(3, 2), 10);
  feed(packet(6, 2), 20);  // 5 missing
  feed(packet(8, 1), 30);
  seq->poll(10'000'000);  // far past the window: nothing is judged while joining
  EXPECT_TRUE(out.sequences.empty());
  EXPECT_TRUE(out.gaps.empty());
  EXPECT_EQ(seq->stats().join_held_packets, 4u);
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 4, 20'000'000));
  EXPECT_FALSE(seq->joining());
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(seq->stats().before_resume, 3u);  // 1..3 are in the snapshot
  EXPECT_EQ(seq->stats().duplicates, 0u);
  seq->poll(20'500'000);  // the hole at 5 dates from the resume, not from its packets
  EXPECT_TRUE(out.gaps.empty());
  feed(packet(5, 1), 20'600'000);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{4, 5, 6, 7, 8}));
  EXPECT_TRUE(out.gaps.empty());
}

TEST_F(SequencerTest, AJoinWhoseBufferFillsLetsTheOldestGoAndTheirMessagesAreAHole) {
  seq->begin_join();
  for (std::uint64_t q = 1; q <= 10; ++q) feed(packet(q, 1), q);  // 8 slots: 1 goes at 9, 2 at 10
  EXPECT_EQ(seq->stats().join_evicted_packets, 2u);
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 1, 100));
  EXPECT_TRUE(out.sequences.empty());  // 1 and 2 were let go
  seq->poll(100 + 1'000'000);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{1, 2}));
  EXPECT_EQ(out.sequences, range(3, 10));
}

TEST_F(SequencerTest, ANewSessionWhileJoiningLetsTheOldOnesPacketsGo) {
  seq->begin_join();
  feed(packet(50, 2), 0);
  feed(packet(1, 2, "SESSION002"), 10);
  EXPECT_EQ(seq->stats().join_evicted_packets, 1u);
  EXPECT_TRUE(seq->joining());
  ASSERT_TRUE(seq->resume_at(session_id("SESSION002"), 2, 20));
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{2}));
  EXPECT_TRUE(out.gaps.empty());
}

TEST_F(SequencerTest, AJoinWithoutASnapshotGoesOnFromTheLowestPacketHeld) {
  seq->begin_join();
  feed(packet(5, 2), 0);
  feed(packet(3, 2), 10, 1);  // line B brings earlier messages later
  seq->abandon_join(20);
  EXPECT_EQ(out.sequences, range(3, 6));
  EXPECT_EQ(seq->stats().duplicates, 0u);
  EXPECT_TRUE(out.gaps.empty());
}

TEST_F(SequencerTest, AJoinResolvedBeforeAnyPacketWaitsForTheSession) {
  seq->begin_join();
  ASSERT_TRUE(seq->resume_at(session_id("SESSION001"), 100, 0));
  feed(packet(98, 4), 10);
  EXPECT_EQ(out.sequences, range(100, 101));
  EXPECT_EQ(seq->stats().before_resume, 2u);
}

// The snapshot is of SESSION002: SESSION001's packets, applied onto it, would mix two days in
// the books. They are dropped and counted (and `tickwire book --snapshot` fails on them).
TEST_F(SequencerTest, AResumePointWaitsForItsOwnSession) {
  ASSERT_TRUE(seq->resume_at(session_id("SESSION002"), 3));
  feed(packet(1, 2, "SESSION001"), 0);
  EXPECT_TRUE(out.sequences.empty());
  EXPECT_EQ(seq->stats().resume_session_mismatches, 1u);
  EXPECT_TRUE(seq->resume_pending());
  feed(packet(1, 4, "SESSION002"), 1);
  EXPECT_EQ(out.sequences, range(3, 4));
  EXPECT_EQ(seq->stats().before_resume, 2u);
  EXPECT_FALSE(seq->resume_pending());
  EXPECT_TRUE(out.new_sessions.empty()) << "the books hold the snapshot of this session";
  feed(packet(1, 1, "SESSION003"), 20);
  EXPECT_EQ(out.new_sessions.size(), 1u) << "the day after it is a new one";
}

// A live join whose snapshot turns out to be of another session than the packets held: those
// are let go, not applied onto the snapshot, and the snapshot's session is awaited.
TEST_F(SequencerTest, AJoinHoldingAnotherSessionThanTheSnapshotsLetsItGo) {
  seq->begin_join();
  feed(packet(1, 2, "SESSION001"), 0);
  feed(packet(3, 2, "SESSION001"), 10);
  ASSERT_TRUE(seq->resume_at(session_id("SESSION002"), 2, 20));
  EXPECT_TRUE(out.sequences.empty());
  EXPECT_EQ(seq->stats().resume_session_mismatches, 2u);
  feed(packet(5, 1, "SESSION001"), 30);
  EXPECT_EQ(seq->stats().resume_session_mismatches, 3u);
  feed(packet(1, 3, "SESSION002"), 40);
  EXPECT_EQ(out.sequences, range(2, 3));
  seq->poll(10'000'000);
  EXPECT_TRUE(out.gaps.empty());
}

// At the rollover line B may still bring the old session's last packets, and recovery may
// answer for its last hole: none of that starts the old session again (which would end
// today's and empty its books), it is counted and dropped.
TEST_F(SequencerTest, ALatePacketOfAnEndedSessionIsDroppedNotStartedAgain) {
  feed(packet(1, 3, "SESSION001"), 0);
  feed(packet(1, 2, "SESSION002"), 10);
  feed(packet(3, 1, "SESSION001"), 20, 1);
  feed(packet(3, 4, "SESSION002"), 30);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 2, 3, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(out.new_sessions.size(), 1u);
  EXPECT_EQ(seq->stats().ended_session_packets, 1u);
  EXPECT_EQ(seq->stats().session_changes, 1u);
}

// We saw the session before it end, so the new one is owed from 1: its first packet lost on
// line A and brought later by B fills the hole, and if nothing brings it, it is a gap.
TEST_F(SequencerTest, ASessionAfterAnotherIsOwedFromItsFirstMessage) {
  feed(packet(1, 3, "SESSION001"), 0);
  feed(packet(3, 2, "SESSION002"), 10);
  EXPECT_TRUE(seq->hole_open());
  feed(packet(1, 2, "SESSION002"), 20, 1);
  EXPECT_EQ(out.sequences, (std::vector<std::uint64_t>{1, 2, 3, 1, 2, 3, 4}));
  EXPECT_TRUE(out.gaps.empty());
  feed(packet(5, 1, "SESSION003"), 30);
  seq->poll(10'000'000);
  ASSERT_EQ(out.gaps.size(), 1u);
  EXPECT_EQ(out.gaps[0].first, (SequenceRange{1, 4}));
  // A capture that numbers from 0 starts its next session at 0: nothing is owed below it.
  Recorder zero;
  auto from_zero = std::make_unique<Sequencer<Recorder>>(config, zero);
  for (const auto& [p, t] : {std::pair{packet(0, 2, "SESSION001"), 0}, std::pair{packet(0, 2, "SESSION002"), 10}}) {
    const test::ExactBuffer b(p);
    from_zero->on_packet(b.data(), b.size(), static_cast<std::uint64_t>(t), 0);
  }
  EXPECT_EQ(zero.sequences, (std::vector<std::uint64_t>{0, 1, 0, 1}));
  from_zero->finish();
  EXPECT_TRUE(zero.gaps.empty());
}

// --- generated captures with injected faults on two lines

struct Capture {
  std::vector<std::pair<Bytes, std::uint64_t>> packets;  // UDP payload, capture time
  std::vector<unsigned> lines;
  std::set<std::uint64_t> lost_by_both;
  std::uint64_t last_sequence = 0;
};

Capture generated_capture(std::uint64_t seed, bool two_lines) {
  generator::ScenarioConfig config;
  config.seed = seed;
  config.messages = 30'000;
  config.symbols = 40;
  config.rate = 1'000'000;
  config.line_b_enabled = two_lines;
  config.faults.gap = 0.03;
  config.faults.duplicate = 0.03;
  config.faults.reorder = 0.03;
  config.faults.truncate = 0.02;
  config.faults.corrupt = 0.02;
  std::vector<std::uint8_t> pcap;
  generator::RunResult result;
  EXPECT_EQ(generator::generate_to_memory(config, generator::OutputFormat::kPcap, pcap, &result), "");
  Capture c;
  std::map<std::string, std::set<std::uint64_t>> lost;
  for (const std::string& line : test::split_lines(result.sidecar)) {
    const auto o = test::parse_json_line(line);
    if (!o) continue;
    if (o->count("lost_first")) {
      auto& set = lost[std::get<std::string>(o->at("line"))];
      for (auto q = std::get<std::int64_t>(o->at("lost_first")); q <= std::get<std::int64_t>(o->at("lost_last")); ++q) {
        set.insert(static_cast<std::uint64_t>(q));
      }
    }
    if (o->count("last_seq") && std::get<std::string>(o->at("kind")) == "scenario") {
      c.last_sequence = static_cast<std::uint64_t>(std::get<std::int64_t>(o->at("last_seq")));
    }
  }
  for (auto q : lost["A"]) {
    if (!two_lines || lost["B"].count(q)) c.lost_by_both.insert(q);
  }
  // Keep what survives the IP/UDP checks, as the RX path would.
  test::for_each_pcap_record(pcap, [&](const std::uint8_t* frame, std::uint32_t caplen, std::uint64_t t) {
    const net::FrameResult f = net::parse_udp_frame(frame, caplen, net::LinkType::kEthernet);
    if (!f.drop && f.datagram.payload_length >= sizeof(MoldUdp64Header)) {
      c.packets.emplace_back(Bytes(f.datagram.payload, f.datagram.payload + f.datagram.payload_length), t);
      c.lines.push_back(f.datagram.destination_ip == config.line_a.ip ? 0 : 1);
    }
  });
  return c;
}

TEST(SequencerOnGeneratedCaptures, DeliversEverySurvivingMessageOnceInOrderAndReportsExactGaps) {
  for (const bool two_lines : {false, true}) {
    for (std::uint64_t seed : {11, 12}) {
      const Capture c = generated_capture(seed, two_lines);
      Recorder out;
      // The generated day is sparse before the open and after the close (packets seconds
      // apart), so a reordering of 4 packets can take longer than any sensible window; an
      // hour-long window recovers every reordering and leaves the buffer to declare the real
      // losses. Window expiry itself is checked by the cases above.
      auto seq = std::make_unique<Sequencer<Recorder>>(SequencerConfig{3'600'000'000'000, 1024, 2048}, out);
      for (std::size_t i = 0; i < c.packets.size(); ++i) {
        const test::ExactBuffer b(c.packets[i].first);
        seq->on_packet(b.data(), b.size(), c.packets[i].second, c.lines[i]);
      }
      seq->finish();
      std::vector<std::uint64_t> expected;
      for (std::uint64_t q = 1; q <= c.last_sequence; ++q) {
        if (!c.lost_by_both.count(q)) expected.push_back(q);
      }
      ASSERT_FALSE(c.lost_by_both.empty());
      EXPECT_EQ(out.sequences, expected) << "seed " << seed << " lines " << (two_lines ? 2 : 1);
      std::set<std::uint64_t> declared;
      for (const auto& [r, cause] : out.gaps) {
        for (std::uint64_t q = r.first; q <= r.last; ++q) declared.insert(q);
      }
      EXPECT_EQ(declared, c.lost_by_both) << "seed " << seed << " lines " << (two_lines ? 2 : 1);
    }
  }
}

}  // namespace
}  // namespace tickwire::feed
