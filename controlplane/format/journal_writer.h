// The replay journal: JSON lines of the signals (and, on request, of every retired event),
// in (feed sequence, event index) order, so that two runs of the same capture can be
// compared byte for byte.
//   {"seq":N,"event_index":I,"signal":"price_jump","stage":"price_move","stock_locate":L,
//    "stock":"AAPL","exchange_time":T,"mid2_before":X,"mid2_after":Y,"bps":B}
//   {"seq":N,"event_index":I,"signal":"liquidity_drop",...,"side":"bid","size_before":X,"size_after":Y,"bps":B}
//   {"seq":N,"event_index":I,"event":"top_of_book","stock_locate":L,"exchange_time":T,...,
//    "flags":["last_in_message","book_suspect"]}
//   {"seq":N,"swap":"price_move","slot":0,"version":V}   (before message N's lines)
//   {"seq":N,"stage":"price_move","slot":0,"notice":"over_budget"}   (after message N's signals:
//    within_budget, skipped, disabled too; decisions on measured time are part of the run)
//   {"seq":N,"alert":"gap","session":"S","first":N,"last":M,"messages":K,"cause":"window_expired"}
//    (N..M never came: after every line of the messages before N, before those after M)
//   {"seq":N,"exchange_time":T,"breaker":"storm","scope":"system","state":"open","trigger":"message_rate",
//    "value":V,"threshold":X,"cause":"tripped"}   (after message N's lines; "shadow":true for a
//    shadow breaker's)
#pragma once

#include <cstdint>
#include <cstdio>
#include <array>
#include <vector>
#include <span>
#include <string_view>

#include "controlplane/format/text_buffer.h"
#include "dataplane/book/book_store.h"
#include "dataplane/breakers/breaker.h"
#include "dataplane/events/event.h"
#include "dataplane/feed/feed_alert.h"
#include "dataplane/stages/signal.h"
#include "dataplane/stages/stage.h"

namespace tickwire::format {

class JournalWriter {
 public:
  JournalWriter(std::FILE* out, const book::BookStore& books, std::span<const std::string_view> stage_names)
      : out_(out), books_(books), names_(books.config().max_instruments + 1), stage_names_(stage_names) {}

  // An instrument's name and locate as of this point in the stream (an instrument-added
  // event). Lines are labelled from what was learned, so a later rename (an R that
  // contradicts, or a new day's locate) never relabels earlier lines, whichever thread wrote
  // it into the books meanwhile.
  void learn(const events::Event& e);
  void signal(const stages::Signal& s);
  void event(const events::Event& e);
  // A hot swap: from message `sequence` on, pipeline slot `slot` runs `version`.
  void swap(std::uint64_t sequence, std::uint32_t slot, std::uint32_t version);
  void notice(const stages::StageNotice& notice);
  // A gap (other alerts are about time, not the stream, and are not journaled).
  void gap(const feed::FeedAlert& alert);
  // A circuit breaker's transition (a stream-driven breaker's: part of what the stream did).
  void breaker(const feed::FeedAlert& alert, const breakers::BreakerSpec& spec);
  void flush() { out_.flush(); }
  // Without a FILE* (out == nullptr) every line is held: what has been written so far.
  [[nodiscard]] std::string_view held_text() const noexcept { return out_.text(); }
  [[nodiscard]] bool failed() const noexcept { return out_.failed(); }

 private:
  void instrument_fields(std::uint32_t instrument);
  void flags_field(std::uint16_t flags);
  void field(std::string_view key, std::uint64_t value);
  void field(std::string_view key, std::int64_t value);
  void field(std::string_view key, std::string_view value);

  TextBuffer out_;
  const book::BookStore& books_;
  struct LearnedName {
    bool known = false;
    std::uint16_t locate = 0;
    std::array<char, 8> symbol{};
  };
  std::vector<LearnedName> names_;
  std::span<const std::string_view> stage_names_;
};

[[nodiscard]] std::string_view event_kind_name(events::EventKind kind) noexcept;

}  // namespace tickwire::format
