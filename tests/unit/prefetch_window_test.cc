// The prefetch schedule over a run of messages: every message gets its three stages once, in
// stage order, at their distances ahead of it, all before it is applied; messages are
// applied once each, in order; a stop ends the run there.
#include "dataplane/book/prefetch_window.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tickwire::book {
namespace {

struct Step {
  char what;  // '0', '1', '2' (a hint stage) or 'a' (applied)
  std::size_t message;
};

std::vector<Step> schedule(std::size_t count, std::size_t stop_after = ~std::size_t{0}) {
  std::vector<Step> steps;
  (void)apply_prefetched(
      count, [&](unsigned stage, std::size_t i) { steps.push_back({static_cast<char>('0' + stage), i}); },
      [&](std::size_t i) {
        steps.push_back({'a', i});
        return i + 1 < stop_after;
      });
  return steps;
}

TEST(PrefetchWindow, EveryMessageGetsEachStageOnceInOrderAheadOfItsApplication) {
  for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{3}, kPrefetchFar, std::size_t{100}}) {
    SCOPED_TRACE(count);
    const std::vector<Step> steps = schedule(count);
    std::vector<std::string> per_message(count);
    std::vector<std::size_t> applied;
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const Step& s = steps[k];
      ASSERT_LT(s.message, count);
      per_message[s.message] += s.what;
      if (s.what == 'a') applied.push_back(s.message);
    }
    for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(per_message[i], "012a") << "message " << i;
    std::vector<std::size_t> in_order(count);
    for (std::size_t i = 0; i < count; ++i) in_order[i] = i;
    EXPECT_EQ(applied, in_order);
  }
}

TEST(PrefetchWindow, StagesRunAtTheirDistancesOnceTheWindowIsFull) {
  const std::vector<Step> steps = schedule(200);
  std::size_t last_applied = 0;
  bool any_applied = false;
  for (const Step& s : steps) {
    if (s.what == 'a') {
      last_applied = s.message;
      any_applied = true;
      continue;
    }
    if (!any_applied || s.message < kPrefetchFar) continue;  // the run's start gets every stage at once
    const std::size_t distance = s.message - last_applied - 1;  // issued just before applying last + 1
    const std::size_t expected = s.what == '0' ? kPrefetchFar : s.what == '1' ? kPrefetchNear : kPrefetchClose;
    EXPECT_EQ(distance, expected) << "stage " << s.what << " of message " << s.message;
  }
}

TEST(PrefetchWindow, AStopEndsTheRunThere) {
  const std::vector<Step> steps = schedule(100, 10);
  std::size_t applied = 0;
  for (const Step& s : steps) applied += s.what == 'a';
  EXPECT_EQ(applied, 10u);
  EXPECT_EQ(steps.back().what, 'a');
  EXPECT_EQ(steps.back().message, 9u);
  std::size_t n = 0;
  EXPECT_EQ(apply_prefetched(100, [](unsigned, std::size_t) {}, [&](std::size_t) { return ++n < 10; }), 10u);
}

// The same schedule over a listed run (a received burst): each listed message gets its three
// stages before it is applied, messages applied beyond the list get none, and a reset list
// hints nothing (its memory may be gone).
TEST(PrefetchSchedule, HintsEachListedMessageAheadOfItsTurnAndNothingAfterAReset) {
  static const std::uint8_t bytes[40] = {};
  PrefetchSchedule<32> run;
  for (std::size_t i = 0; i < 40; ++i) run.add({&bytes[i], 1});
  EXPECT_EQ(run.size(), 32u) << "beyond its capacity a run is not listed";
  std::vector<std::string> per_message(40);
  for (std::size_t applied = 0; applied < 40; ++applied) {
    run.before_apply([&](unsigned stage, const MessageRef& m) {
      const auto i = static_cast<std::size_t>(m.data - bytes);
      ASSERT_LT(i, 32u);
      EXPECT_GE(i, applied) << "a hint for a message already applied";
      per_message[i] += static_cast<char>('0' + stage);
    });
    per_message[applied] += 'a';
  }
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(per_message[i], "012a") << i;
  for (std::size_t i = 32; i < 40; ++i) EXPECT_EQ(per_message[i], "a") << i;
  run.reset();
  bool hinted = false;
  run.before_apply([&](unsigned, const MessageRef&) { hinted = true; });
  EXPECT_FALSE(hinted);
}

}  // namespace
}  // namespace tickwire::book
