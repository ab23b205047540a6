// When to ask a MoldUDP64 re-request server for missing messages, and how often: wait a
// little first (the other line usually fills a hole within microseconds), then ask for the
// first hole, retry a bounded number of times, never faster than the rate limit, and record
// how long each hole took to fill. Pure logic on the caller's clock: no I/O, no allocation.
#pragma once

#include <cstdint>

#include "dataplane/feed/sequence_audit.h"
#include "dataplane/metrics/latency_histogram.h"

namespace tickwire::recovery {

struct RecoveryConfig {
  std::uint64_t request_after_ns = 500'000;        // a hole younger than this waits for line B
  std::uint64_t retry_after_ns = 50'000'000;       // no answer by then: ask again
  std::uint32_t max_attempts = 5;                  // then give up: the sequencer declares the gap
  std::uint32_t max_messages_per_request = 1000;
  std::uint64_t min_interval_ns = 1'000'000;       // at most one request per millisecond
  // A hole larger than this is not asked for: a request storm would not bring it back in
  // time, the books go suspect at once and a snapshot is the way back (0: any size).
  std::uint64_t max_hole_messages = 100'000;
};

struct RecoveryStats {
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  std::uint64_t holes_recovered = 0;  // closed after a request
  std::uint64_t holes_abandoned = 0;  // attempts exhausted
  std::uint64_t holes_too_large = 0;  // over max_hole_messages: not asked for
  metrics::LatencyHistogram latency;  // hole seen -> hole closed, for holes we asked about
};

// How the RX thread waits for a re-request's answers (see RecoveringFeed): replay stops for
// them, live polls for them between reads of its ports.
enum class AnswerWait : std::uint8_t { kBlock, kPoll };

class RecoveryPolicy {
 public:
  explicit RecoveryPolicy(const RecoveryConfig& config) noexcept : config_(config) {}

  // Called as time passes with the sequencer's first hole (`open` false when none). True,
  // with the range to ask for, when a request should go out now.
  bool next_request(bool open, const feed::SequenceRange& hole, std::uint64_t now_ns,
                    feed::SequenceRange& ask) noexcept {
    // An answer comes in several packets: a hole whose start moved inside the range last
    // asked for is the same request making progress, not a new hole to ask about again.
    const bool same = tracking_ && hole.first >= tracked_first_ && hole.first <= asked_last_;
    if (!open || (tracking_ && !same)) close_tracked(now_ns);
    if (!open) return false;
    if (!tracking_) {
      tracking_ = true;
      tracked_first_ = hole.first;
      asked_last_ = hole.first;
      first_seen_ns_ = now_ns;
      attempts_ = 0;
      too_large_ = config_.max_hole_messages != 0 && hole.size() > config_.max_hole_messages;
      stats_.holes_too_large += too_large_;
    }
    if (too_large_) return false;
    if (attempts_ >= config_.max_attempts) return false;
    const bool due = attempts_ == 0 ? now_ns - first_seen_ns_ >= config_.request_after_ns
                                    : now_ns - last_request_ns_ >= config_.retry_after_ns;
    if (!due || (any_request_ && now_ns - last_any_request_ns_ < config_.min_interval_ns)) return false;
    ask.first = hole.first;
    ask.last = hole.last - hole.first + 1 > config_.max_messages_per_request
                   ? hole.first + config_.max_messages_per_request - 1
                   : hole.last;
    asked_last_ = ask.last;
    stats_.retries += attempts_ != 0;
    ++attempts_;
    ++stats_.requests;
    last_request_ns_ = now_ns;
    last_any_request_ns_ = now_ns;
    any_request_ = true;
    return true;
  }

  // Whether the hole being tracked has had every attempt: waiting longer is pointless.
  [[nodiscard]] bool exhausted(std::uint64_t now_ns) const noexcept {
    return tracking_ &&
           (too_large_ || (attempts_ >= config_.max_attempts && now_ns - last_request_ns_ >= config_.retry_after_ns));
  }
  [[nodiscard]] const RecoveryStats& stats() const noexcept { return stats_; }

 private:
  void close_tracked(std::uint64_t now_ns) noexcept {
    if (!tracking_) return;
    tracking_ = false;
    if (attempts_ == 0) return;  // filled without asking, or too large to ask for
    if (attempts_ >= config_.max_attempts && now_ns - last_request_ns_ >= config_.retry_after_ns) {
      ++stats_.holes_abandoned;
    } else {
      ++stats_.holes_recovered;
      stats_.latency.record(now_ns - first_seen_ns_);
    }
  }

  RecoveryConfig config_;
  RecoveryStats stats_;
  bool tracking_ = false;
  std::uint64_t tracked_first_ = 0;
  std::uint64_t asked_last_ = 0;  // the last sequence the latest request asked for
  std::uint64_t first_seen_ns_ = 0;
  std::uint64_t last_request_ns_ = 0;
  std::uint64_t last_any_request_ns_ = 0;
  bool any_request_ = false;
  std::uint32_t attempts_ = 0;
  bool too_large_ = false;
};

}  // namespace tickwire::recovery
