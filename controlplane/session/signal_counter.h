// Where a session's signals and stage notices end up: counted by kind, the first few kept as
// journal lines for the summary, and written to the journal when there is one. One thread
// emits (the inline RX core, or the merge thread); the counts may be read from the control
// thread meanwhile (`ctl stats`), the examples once that thread has finished.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/format/journal_writer.h"
#include "dataplane/book/book_store.h"
#include "dataplane/stages/signal.h"
#include "dataplane/stages/stage.h"

namespace tickwire::session {

class SignalCounter final : public stages::SignalSink, public stages::StageNoticeSink {
 public:
  static constexpr std::size_t kExamples = 3;

  SignalCounter(const book::BookStore& books, std::span<const std::string_view> stage_names)
      : examples_(nullptr, books, stage_names) {}

  void set_journal(format::JournalWriter* journal) noexcept { journal_ = journal; }

  void emit(const stages::Signal& s) noexcept override {
    std::atomic<std::uint64_t>& n = by_kind_[std::min(static_cast<std::size_t>(s.kind), stages::kSignalKindCount)];
    n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    // Worded as the journal words them, in a buffer reserved up front.
    if (example_count_ < kExamples) {
      examples_.signal(s);
      ++example_count_;
    }
    if (journal_ != nullptr) journal_->signal(s);
  }
  void notice(const stages::StageNotice& n) noexcept override {
    if (journal_ != nullptr) journal_->notice(n);
  }

  // By stages::SignalKind; the last entry counts kinds no name is known for.
  [[nodiscard]] std::uint64_t count(std::size_t kind) const noexcept {
    return by_kind_[std::min(kind, stages::kSignalKindCount)].load(std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t total() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& n : by_kind_) sum += n.load(std::memory_order_relaxed);
    return sum;
  }
  // The first signals, one journal line each.
  [[nodiscard]] std::vector<std::string> examples() const {
    std::vector<std::string> lines;
    std::string_view text = examples_.held_text();
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      lines.emplace_back(text.substr(0, end));
      text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return lines;
  }

 private:
  format::JournalWriter* journal_ = nullptr;
  std::array<std::atomic<std::uint64_t>, stages::kSignalKindCount + 1> by_kind_{};
  format::JournalWriter examples_;
  std::size_t example_count_ = 0;
};

}  // namespace tickwire::session
