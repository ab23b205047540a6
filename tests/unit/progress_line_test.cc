// The progress line of a long replay: drawn on a terminal, rewritten in place, wiped at the
// end; never written where output goes to a pipe or a file.
#include "controlplane/session/progress_line.h"

#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace tickwire::test {
namespace {

std::string read_available(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (n < static_cast<ssize_t>(sizeof buffer)) break;
  }
  return text;
}

TEST(ProgressLine, OnATerminalItRedrawsInPlaceAndWipesItself) {
  int controller = -1;
  int terminal = -1;
  ASSERT_EQ(openpty(&controller, &terminal, nullptr, nullptr, nullptr), 0);
  std::FILE* to = fdopen(terminal, "w");
  ASSERT_NE(to, nullptr);
  session::ProgressLine line(to, true);
  EXPECT_TRUE(line.drawing());
  line.update(10, 0, 0);  // too soon after the start: nothing yet
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  line.update(1'234'567, 250, 1000);
  const std::string drawn = read_available(controller);
  EXPECT_EQ(drawn.rfind("\r1,234,567 messages, ", 0), 0u) << drawn;
  EXPECT_NE(drawn.find("25% of the input"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find(" left"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("\033[K"), std::string::npos) << "the rest of the old line is erased";
  line.clear();
  EXPECT_EQ(read_available(controller), "\r\033[K");
  std::fclose(to);
  close(controller);
}

TEST(ProgressLine, ToAPipeItStaysSilent) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::FILE* to = fdopen(fds[1], "w");
  ASSERT_NE(to, nullptr);
  session::ProgressLine line(to, true);
  EXPECT_FALSE(line.drawing());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  line.update(100, 1, 2);
  line.clear();
  std::fclose(to);
  char c;
  EXPECT_EQ(read(fds[0], &c, 1), 0) << "something was written";
  close(fds[0]);
}

TEST(ProgressLine, NotAskedForItStaysSilentEvenOnATerminal) {
  int controller = -1;
  int terminal = -1;
  ASSERT_EQ(openpty(&controller, &terminal, nullptr, nullptr, nullptr), 0);
  std::FILE* to = fdopen(terminal, "w");
  session::ProgressLine line(to, false);
  EXPECT_FALSE(line.drawing());
  std::fclose(to);
  close(controller);
}

}  // namespace
}  // namespace tickwire::test
