// Replacing a published object while a data core reads it: the reader never sees a freed
// or half-built object (ASan and TSan builds run this), and replace() returns only after
// the reader has passed a quiescent state.
#include "dataplane/core/qsbr.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tickwire {
namespace {

struct Table {
  explicit Table(std::uint64_t v) : version(v), check(~v) {}
  ~Table() { check = 0; }
  std::uint64_t version;
  std::uint64_t check;
};

TEST(Qsbr, ReplacingWhileAReaderReadsFreesOnlyWhatNoOneReads) {
  QsbrDomain domain(4);
  ASSERT_TRUE(domain.ok());
  Published<Table> table(domain, std::make_unique<const Table>(0));
  std::atomic<bool> stop{false};
  std::atomic<bool> joined{false};
  std::uint64_t reads = 0;
  std::uint64_t torn = 0;
  std::uint64_t went_back = 0;
  std::thread reader([&] {
    domain.join(2);
    joined.store(true);
    std::uint64_t last = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      const Table* t = table.read();
      // Held across a little work, as the RX core holds it across one message.
      for (int i = 0; i < 8; ++i) {
        if (t->check != ~t->version) ++torn;
      }
      if (t->version < last) ++went_back;
      last = t->version;
      ++reads;
      domain.quiescent(2);
    }
    domain.leave(2);
  });
  while (!joined.load()) std::this_thread::yield();
  for (std::uint64_t v = 1; v <= 1000; ++v) table.replace(std::make_unique<const Table>(v));
  stop.store(true);
  reader.join();
  EXPECT_GT(reads, 0u);
  EXPECT_EQ(torn, 0u);
  EXPECT_EQ(went_back, 0u);
  EXPECT_EQ(table.read()->version, 1000u);
}

TEST(Qsbr, AReaderThatLeftIsNotWaitedFor) {
  QsbrDomain domain(2);
  Published<Table> table(domain, std::make_unique<const Table>(0));
  domain.join(0);
  domain.leave(0);
  table.replace(std::make_unique<const Table>(1));  // would hang if it waited for reader 0
  EXPECT_EQ(table.read()->version, 1u);
}

// The control plane that must not block: replace_later() publishes at once, collect() frees
// the old object only after the reader has been quiescent since, and never before.
TEST(Qsbr, AReplacementCollectedLaterIsFreedOnlyAfterTheReaderPassed) {
  QsbrDomain domain(2);
  Published<Table> table(domain, std::make_unique<const Table>(0));
  domain.join(1);
  const Table* held = table.read();  // the reader holds version 0
  table.replace_later(std::make_unique<const Table>(1));
  EXPECT_EQ(table.read()->version, 1u);
  EXPECT_EQ(table.collect(), 1u);  // not quiescent yet: still held
  EXPECT_EQ(held->check, ~held->version);  // and still valid
  domain.quiescent(1);
  EXPECT_EQ(table.collect(), 0u);
  // Concurrently: a reader thread quiescent in a loop lets every replacement be collected.
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const Table* t = table.read();
      if (t->check != ~t->version) std::abort();
      domain.quiescent(1);
    }
  });
  for (std::uint64_t v = 2; v <= 200; ++v) {
    table.replace_later(std::make_unique<const Table>(v));
    (void)table.collect();
  }
  while (table.collect() != 0) std::this_thread::yield();
  stop.store(true);
  reader.join();
  domain.leave(1);
  EXPECT_EQ(table.read()->version, 200u);
}

}  // namespace
}  // namespace tickwire
