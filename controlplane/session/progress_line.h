// The line a long replay keeps rewriting on a terminal: messages so far, their rate, how much
// of the input is read and the time left. Silent when its stream is not a terminal (a script,
// a pipe, CI), so output meant for machines never holds it.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace tickwire::session {

class ProgressLine {
 public:
  // `enabled`: asked for; it draws only when `to` is also a terminal.
  ProgressLine(std::FILE* to, bool enabled);

  [[nodiscard]] bool drawing() const noexcept { return drawing_; }
  // Redraws at most every kRedraw; `bytes_total` 0: the end is unknown (no percentage).
  void update(std::uint64_t messages, std::uint64_t bytes_done, std::uint64_t bytes_total);
  // Wipes the line, before other text goes to the terminal and at the end.
  void clear();

 private:
  static constexpr std::chrono::milliseconds kRedraw{500};
  std::FILE* to_;
  bool drawing_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = started_;
};

}  // namespace tickwire::session
