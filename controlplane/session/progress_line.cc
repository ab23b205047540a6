#include "controlplane/session/progress_line.h"

#include <unistd.h>

#include <string>

#include "controlplane/report/summary.h"

namespace tickwire::session {

ProgressLine::ProgressLine(std::FILE* to, bool enabled) : to_(to), drawing_(enabled && isatty(fileno(to)) == 1) {}

void ProgressLine::update(std::uint64_t messages, std::uint64_t bytes_done, std::uint64_t bytes_total) {
  if (!drawing_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < kRedraw) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  std::string text = report::with_thousands(messages) + " messages";
  if (seconds > 0) {
    char rate[48];
    std::snprintf(rate, sizeof rate, ", %.2fM/s", static_cast<double>(messages) / seconds / 1e6);
    text += rate;
  }
  if (bytes_total != 0 && bytes_done <= bytes_total && bytes_done != 0) {
    const double done = static_cast<double>(bytes_done) / static_cast<double>(bytes_total);
    const auto left = static_cast<std::uint64_t>(seconds * (1 - done) / done);
    char tail[64];
    std::snprintf(tail, sizeof tail, ", %.0f%% of the input, %llu:%02llu left", done * 100,
                  static_cast<unsigned long long>(left / 60), static_cast<unsigned long long>(left % 60));
    text += tail;
  }
  std::fprintf(to_, "\r%s\033[K", text.c_str());
  std::fflush(to_);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!shown_) return;
  std::fprintf(to_, "\r\033[K");
  std::fflush(to_);
  shown_ = false;
}

}  // namespace tickwire::session
