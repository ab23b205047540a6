// One pattern thread's view of every feed: the feeds' broadcast rings merged into the total
// order fixed by the data (time, feed rank, stream key, event index). Each feed writes its
// ring in that order already, so a feed costs nothing and the merge is a k-way pick of the
// smallest head.
//
// Exact (replay): an update is released only once every feed that has not ended has an
// update readable, because until then that feed's next update could still come before it.
// No decision depends on timing: the same captures give the same order on every run.
//
// Live: a feed that is quiet must not hold the others, so each feed's RX core publishes a
// watermark (FeedWatermark: no update of that feed will come below it) and an update is
// released once it is at or below the watermark of every feed with nothing readable. A feed
// that holds the merge past `max_hold_ns` (on the pattern thread's clock) is declared
// lagging: it no longer holds anyone, its updates that come below what was released go out
// flagged kLateMerge, and it is back once its watermark reaches what was released. Each
// declaration is a MergeNotice the pattern layer journals.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "dataplane/core/cache.h"
#include "dataplane/patterns/broadcast_ring.h"
#include "dataplane/patterns/market_update.h"

namespace tickwire::patterns {

// Published by a feed's RX core live (at the end of each burst and on idle polls): no update
// of this feed will come with a time below it.
struct alignas(kCacheLine) FeedWatermark {
  std::atomic<std::uint64_t> time_ns{0};
};

struct MergeSource {
  BroadcastRing<MarketUpdate>* ring = nullptr;
  std::size_t reader = 0;
  const FeedWatermark* watermark = nullptr;  // live only
};

struct MergeNotice {
  enum class Kind : std::uint8_t { kLagging, kCaughtUp };
  Kind kind;
  std::uint16_t feed;
  std::uint64_t time_ns;  // the merge's released time when it was declared
};

struct MergeCounters {
  std::uint64_t released = 0;
  std::uint64_t late = 0;           // live: released below what was already released
  std::uint64_t lagging_episodes = 0;
};

class FeedMerge {
 public:
  enum class Mode : std::uint8_t { kExact, kLive };
  // Reading positions are handed back to the writers at least this often.
  static constexpr std::uint64_t kConsumeEvery = 64;

  FeedMerge(std::vector<MergeSource> sources, Mode mode, std::uint64_t max_hold_ns = 0)
      : sources_(std::move(sources)), mode_(mode), max_hold_ns_(max_hold_ns), feeds_(sources_.size()) {}

  // The next update in the merge order, or null when none can be released yet (`now_ns`: the
  // pattern thread's clock, for live holds). Valid until pop().
  [[nodiscard]] const MarketUpdate* peek(std::uint64_t now_ns) noexcept {
    std::size_t best = kNone;
    bool held = false;
    for (std::size_t f = 0; f < sources_.size(); ++f) {
      FeedState& feed = feeds_[f];
      if (feed.ended) continue;
      MergeSource& s = sources_[f];
      if (feed.unread == 0) {
        // Live, the watermark first, then what is readable: the writer publishes its records
        // before it raises its watermark, so a watermark read here vouches for every record
        // it could not yet see. Records taken but not yet handed back are counted off.
        if (mode_ == Mode::kLive) feed.watermark = s.watermark->time_ns.load(std::memory_order_acquire);
        feed.unread = s.ring->refresh(s.reader) - feed.taken;
        if (feed.unread == 0) {
          if (s.ring->drained(s.reader)) {
            feed.ended = true;
            continue;
          }
          held = holds(f) || held;  // every quiet feed looked at: a lagging one may be back
          continue;
        }
      }
      const MarketUpdate& head = s.ring->at(s.ring->position(s.reader) + feed.taken);
      if (best == kNone || merge_before(head, *heads_[best])) best = f;
      heads_[f] = &head;
    }
    if (best == kNone) {
      give_back();
      return nullptr;
    }
    if (held && mode_ == Mode::kExact) {
      give_back();
      return nullptr;
    }
    if (held) {  // live: a quiet feed's watermark is below the candidate
      if (!released_any_ || heads_[best]->time_ns > released_time_) {
        if (!blocked(heads_[best]->time_ns, now_ns)) {
          give_back();
          return nullptr;
        }
      }
    }
    hold_started_ns_ = 0;
    current_ = best;
    return heads_[best];
  }

  // Takes the update peek() returned.
  void pop() noexcept {
    FeedState& feed = feeds_[current_];
    const MarketUpdate& u = *heads_[current_];
    if (released_any_ && u.time_ns < released_time_) {
      ++counters_.late;
      late_ = true;
    } else {
      late_ = false;
      released_time_ = u.time_ns;
    }
    released_any_ = true;
    ++feed.taken;
    --feed.unread;
    ++counters_.released;
    if (feed.taken >= kConsumeEvery) give_back(current_);
  }
  // Whether the update just popped came below what had been released (live, a lagging feed).
  [[nodiscard]] bool late() const noexcept { return late_; }

  // Every feed has ended and been read.
  [[nodiscard]] bool done() noexcept {
    for (std::size_t f = 0; f < sources_.size(); ++f) {
      if (!feeds_[f].ended || feeds_[f].unread != 0) return false;
    }
    give_back();
    return true;
  }

  // Live, after a peek() that released nothing: whether no feed can still bring an update
  // at `time` (each has a later one readable, a watermark past it, or has ended or lags), so
  // the batch of that time may close without waiting for the next update. Exact: false (the
  // next update decides, so that no timing enters).
  [[nodiscard]] bool past(std::uint64_t time) const noexcept {
    if (mode_ != Mode::kLive) return false;
    for (std::size_t f = 0; f < sources_.size(); ++f) {
      const FeedState& feed = feeds_[f];
      if (feed.ended || feed.lagging) continue;
      if (feed.unread != 0) {
        if (heads_[f]->time_ns > time) continue;
        return false;
      }
      if (feed.watermark <= time) return false;
    }
    return true;
  }

  // Live declarations since the last call.
  [[nodiscard]] std::vector<MergeNotice>& notices() noexcept { return notices_; }
  [[nodiscard]] const MergeCounters& counters() const noexcept { return counters_; }
  // Hands every reading position back to the writers (at batch ends, when idle).
  void give_back() noexcept {
    for (std::size_t f = 0; f < sources_.size(); ++f) give_back(f);
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};

  struct FeedState {
    std::uint64_t unread = 0;  // readable and not taken, as last looked
    std::uint64_t taken = 0;   // taken and not yet handed back
    bool ended = false;
    bool lagging = false;
    std::uint64_t watermark = 0;  // live: as read by the last peek() that found nothing readable
  };

  void give_back(std::size_t f) noexcept {
    FeedState& feed = feeds_[f];
    if (feed.taken == 0) return;
    sources_[f].ring->consume(sources_[f].reader, feed.taken);
    feed.taken = 0;
  }

  // Live: whether feed `f`, with nothing readable, holds the merge (exact: always).
  bool holds(std::size_t f) noexcept {
    if (mode_ == Mode::kExact) return true;
    FeedState& feed = feeds_[f];
    const std::uint64_t watermark = feed.watermark;
    if (feed.lagging) {
      if (released_any_ && watermark >= released_time_) {
        feed.lagging = false;
        notices_.push_back({MergeNotice::Kind::kCaughtUp, static_cast<std::uint16_t>(f), released_time_});
      }
      return false;
    }
    return true;
  }

  // Live: the candidate at `time` waits for quiet feeds whose watermarks are below it; past
  // max_hold the ones holding it are declared lagging. True when it may go now.
  bool blocked(std::uint64_t time, std::uint64_t now_ns) noexcept {
    bool waiting = false;
    for (std::size_t f = 0; f < sources_.size(); ++f) {
      FeedState& feed = feeds_[f];
      if (feed.ended || feed.lagging || feed.unread != 0) continue;
      if (feed.watermark < time) waiting = true;
    }
    if (!waiting) return true;
    if (hold_started_ns_ == 0) hold_started_ns_ = now_ns == 0 ? 1 : now_ns;
    if (max_hold_ns_ == 0 || now_ns < hold_started_ns_ || now_ns - hold_started_ns_ < max_hold_ns_) return false;
    for (std::size_t f = 0; f < sources_.size(); ++f) {
      FeedState& feed = feeds_[f];
      if (feed.ended || feed.lagging || feed.unread != 0) continue;
      if (feed.watermark < time) {
        feed.lagging = true;
        ++counters_.lagging_episodes;
        notices_.push_back({MergeNotice::Kind::kLagging, static_cast<std::uint16_t>(f), released_time_});
      }
    }
    return true;
  }

  std::vector<MergeSource> sources_;
  Mode mode_;
  std::uint64_t max_hold_ns_;
  std::vector<FeedState> feeds_;
  std::array<const MarketUpdate*, BroadcastRing<MarketUpdate>::kMaxReaders> heads_{};
  std::size_t current_ = 0;
  bool released_any_ = false;
  std::uint64_t released_time_ = 0;
  bool late_ = false;
  std::uint64_t hold_started_ns_ = 0;
  std::vector<MergeNotice> notices_;
  MergeCounters counters_;
};

}  // namespace tickwire::patterns
