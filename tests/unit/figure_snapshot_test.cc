// The RX core's figures copied at its safe points for another thread: every copy is whole
// (taken between two updates, never halfway), copies never go back in time, and an asker
// whose server is away gets a refusal, not a hang. Run under TSan by scripts/sanitize.sh.
#include "dataplane/core/figure_snapshot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tickwire {
namespace {

// Two counters the server always moves together: a torn copy would show them apart.
struct Pair {
  std::uint64_t first = 0;
  std::uint64_t second = 0;
};

TEST(FigureSnapshot, AnAskerWithoutAServerIsRefusedOnceItsWaitIsOver) {
  FigureSnapshot<Pair> snapshot;
  Pair out{7, 7};
  int looks = 0;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(snapshot.fetch(out, std::chrono::milliseconds(5), [&] { ++looks; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(5));
  EXPECT_GT(looks, 0);       // its other work went on while it waited
  EXPECT_EQ(out.first, 7u);  // untouched
}

TEST(FigureSnapshot, NothingIsCopiedUntilAsked) {
  FigureSnapshot<Pair> snapshot;
  int fills = 0;
  for (int i = 0; i < 100; ++i) snapshot.serve([&](Pair&) { ++fills; });
  EXPECT_EQ(fills, 0);
}

TEST(FigureSnapshot, CopiesAreWholeAndNeverGoBack) {
  FigureSnapshot<Pair> snapshot;
  std::atomic<bool> stop{false};
  std::thread server([&] {
    Pair live;  // the server's own counters: plain, written by it alone
    while (!stop.load(std::memory_order_relaxed)) {
      ++live.first;
      ++live.second;
      snapshot.serve([&](Pair& copy) { copy = live; });
    }
  });
  std::uint64_t previous = 0;
  int answered = 0;
  for (int i = 0; i < 500; ++i) {
    Pair copy;
    if (!snapshot.fetch(copy, std::chrono::seconds(5))) continue;
    ++answered;
    EXPECT_EQ(copy.first, copy.second);
    EXPECT_GE(copy.first, previous);
    previous = copy.first;
  }
  stop.store(true);
  server.join();
  EXPECT_EQ(answered, 500);
  EXPECT_GT(previous, 0u);
}

// An asker that gave up must not read a copy the server fills late, and its next ask is
// answered with figures at least as new.
TEST(FigureSnapshot, ALateServerAnswersTheNextAsk) {
  FigureSnapshot<Pair> snapshot;
  Pair out;
  ASSERT_FALSE(snapshot.fetch(out, std::chrono::microseconds(1)));
  snapshot.serve([](Pair& copy) { copy = {1, 1}; });  // the late answer to the first ask
  std::atomic<bool> stop{false};
  std::thread server([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      snapshot.serve([](Pair& copy) { copy = {2, 2}; });
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  const bool answered = snapshot.fetch(out, std::chrono::seconds(30));
  stop.store(true);
  server.join();
  ASSERT_TRUE(answered);
  EXPECT_EQ(out.first, 2u);
}

}  // namespace
}  // namespace tickwire
