// Text from a thread that must not wait on I/O to the thread that writes it: whole writes
// arrive in order; with no chunk free, a replay's producer waits and a live one drops the
// write and counts it.
#include "controlplane/session/outbox.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace tickwire::test {
namespace {

struct Memory {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&text, &size);
  ~Memory() {
    if (file != nullptr) std::fclose(file);
    std::free(text);
  }
  std::string contents() {
    std::fflush(file);
    return std::string(text, size);
  }
};

TEST(Outbox, LinesWrittenThroughItsFileArriveWholeAndInOrder) {
  session::Outbox box(4, session::Outbox::WhenFull::kWait);
  ASSERT_TRUE(box.ok());
  Memory out;
  std::string expected;
  std::thread producer([&] {
    for (int i = 0; i < 100'000; ++i) std::fprintf(box.file(), "line %d\n", i);
    box.close();
  });
  for (int i = 0; i < 100'000; ++i) expected += "line " + std::to_string(i) + "\n";
  while (!box.finished()) box.drain(out.file);
  producer.join();
  EXPECT_EQ(out.contents(), expected);
  EXPECT_EQ(box.dropped_bytes(), 0u);
  EXPECT_FALSE(box.write_failed());
}

TEST(Outbox, LiveAFullOutboxDropsWholeWritesAndCountsThem) {
  session::Outbox box(2, session::Outbox::WhenFull::kDrop);
  const std::string write(session::Outbox::kChunkBytes / 2, 'x');
  for (int i = 0; i < 6; ++i) box.write(write.data(), write.size());  // room for four
  box.flush();
  EXPECT_EQ(box.dropped_bytes(), 2 * write.size());
  Memory out;
  box.drain(out.file);
  EXPECT_EQ(out.contents().size(), 4 * write.size());
  // Room again once written out.
  box.write("y\n", 2);
  box.close();
  box.drain(out.file);
  EXPECT_TRUE(box.finished());
  EXPECT_EQ(out.contents().size(), 4 * write.size() + 2);
}

TEST(Outbox, NothingIsFinishedUntilTheProducerCloses) {
  session::Outbox box(2, session::Outbox::WhenFull::kWait);
  EXPECT_FALSE(box.finished());
  box.close();
  EXPECT_TRUE(box.finished());
  EXPECT_FALSE(box.pending());
}

}  // namespace
}  // namespace tickwire::test
