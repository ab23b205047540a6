// One pipeline slot across hot swaps. A swap takes effect at a feed sequence number: the
// messages before it still run on the old instance, those from it on the new one, whatever
// order a worker runs them in (priority reorders across instruments). So a slot holds the
// versions still in use, and a version is handed back only once every message that could
// use it has run: then nothing is lost, run twice or run on the wrong version.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/stages/stage.h"

namespace tickwire::stages {

struct StageVersion {
  Stage* stage = nullptr;
  std::uint64_t effective_sequence = 0;  // runs messages from this sequence on
  std::uint32_t id = 0;                  // 0: the stage the pipeline was built with
};

class StageVersions {
 public:
  // Versions in use at once: a swap that finds them all in use waits (the caller retries).
  static constexpr std::size_t kMaxVersions = 8;

  void reset(Stage* stage) noexcept {
    versions_[0] = StageVersion{stage, 0, 0};
    count_ = 1;
  }
  [[nodiscard]] bool full() const noexcept { return count_ == kMaxVersions; }
  [[nodiscard]] bool install(const StageVersion& v) noexcept {
    if (full()) return false;
    versions_[count_++] = v;
    return true;
  }

  // The version a message of `sequence` runs on: the newest that is effective by then.
  [[nodiscard]] const StageVersion& for_sequence(std::uint64_t sequence) const noexcept {
    std::size_t i = count_ - 1;
    while (i > 0 && versions_[i].effective_sequence > sequence) --i;
    return versions_[i];
  }
  [[nodiscard]] const StageVersion& newest() const noexcept { return versions_[count_ - 1]; }

  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < count_; ++i) f(versions_[i]);
  }

  // Hands `give_back(const StageVersion&)` each version no message can use any more (every
  // message below the next version's effective sequence has run); it returns false when it
  // cannot take it now, and the version stays until a later call.
  template <class GiveBack>
  void retire(std::uint64_t retired_before, GiveBack&& give_back) noexcept {
    while (count_ > 1 && versions_[1].effective_sequence <= retired_before) {
      if (!give_back(versions_[0])) return;
      for (std::size_t i = 1; i < count_; ++i) versions_[i - 1] = versions_[i];
      --count_;
    }
  }

 private:
  std::array<StageVersion, kMaxVersions> versions_{};
  std::size_t count_ = 0;
};

}  // namespace tickwire::stages
