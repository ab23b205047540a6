// The books of one feed built from its messages in sequence order (the sequencer's), up to a
// sequence number: what `tickwire book` prints and `tickwire snapshot-server` serves. One code
// path, so a snapshot at sequence K is exactly what `book --at K` holds.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "dataplane/book/book_builder.h"
#include "dataplane/feed/sequenced_feed.h"
#include "dataplane/metrics/feed_counters.h"
#include "dataplane/net/udp_filter.h"

namespace tickwire::session {

// The book command consumes events only to count them, by kind.
struct EventTally {
  std::array<std::uint64_t, 16> by_kind{};
  void operator()(const events::Event& e) noexcept { ++by_kind[static_cast<std::size_t>(e.kind)]; }
};

// Applies messages in sequence order (the sequencer's), up to --at; a gap makes the books
// suspect from there on.
struct BookSink {
  book::BookBuilder<EventTally>& builder;
  std::optional<std::uint64_t> at;
  bool reached = false;
  std::uint64_t last_applied = 0;  // sequence number of the last message applied (0: none)
  // After a snapshot, for BinaryFILE input (no sequencer: a file's messages are numbered from
  // 1, which is the day's MoldUDP64 numbering for a file that holds the whole day): messages
  // of the first day numbered below this are in the snapshot.
  std::uint64_t snapshot_resume = 0;
  std::uint64_t skipped_before_resume = 0;

  bool prefetch_ahead = true;  // book.prefetch
  [[nodiscard]] bool prefetching() const noexcept { return prefetch_ahead; }
  void prefetch_encoded(unsigned stage, book::MessageRef& m) const noexcept { builder.prefetch_encoded(stage, m); }

  void on_gap(const feed::SessionId&, feed::SequenceRange, feed::GapCause) noexcept { builder.set_suspect(true); }
  void on_new_session(const feed::SessionId&) noexcept {
    builder.begin_day();
    snapshot_resume = 0;  // the snapshot was of the day that ended
  }

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    if (reached) return;
    if (at && ctx.sequence > *at) {
      reached = true;
      return;
    }
    if (!ctx.sequenced && ctx.sequence < snapshot_resume) {
      ++skipped_before_resume;
      return;
    }
    builder(ctx, m);
    last_applied = ctx.sequence;
    if (at && ctx.sequence == *at) reached = true;
  }
  [[nodiscard]] bool done() const noexcept { return reached; }
};

// The options that decide what books are built: --at, pool sizes, sequencing.
struct BookBuildOptions {
  book::BookConfig config;
  feed::SequencerConfig sequencing;
  std::optional<std::uint64_t> at;
};
// Store, builder, sink and sequenced feed of one feed, wired together. The parts refer to
// each other: allocate it (make_unique) and never move it.
struct BookBuild {
  BookBuild() = default;
  BookBuild(const BookBuild&) = delete;
  BookBuild& operator=(const BookBuild&) = delete;
  // False with `error` set when the pools or the reorder buffer cannot be reserved.
  bool init(const BookBuildOptions& options, const net::UdpFilter& filter, std::string& error);

  net::UdpFilter filter;  // the feed's datagrams (--filter)
  book::BookStore books;
  EventTally tally;
  book::BookCounters book_counters;
  metrics::FeedCounters feed_counters;
  std::unique_ptr<book::BookBuilder<EventTally>> builder;
  std::unique_ptr<BookSink> sink;
  std::unique_ptr<feed::SequencedFeed<BookSink>> sequenced;
};

}  // namespace tickwire::session
