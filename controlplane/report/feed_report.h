// The --stats report of a feed: what was received, delivered, dropped (by reason) and what
// the sequence numbers say. Plain "key value" lines, stable for scripts.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "controlplane/recovery/recovery_policy.h"
#include "dataplane/feed/sequence_audit.h"
#include "dataplane/feed/sequencer.h"
#include "dataplane/metrics/feed_counters.h"
#include "drivers/dpdk_port.h"

namespace tickwire::report {

// At most this many gap ranges are listed one per line; the totals always count all.
inline constexpr std::size_t kGapsListed = 50;

// Packets, bytes, messages by type, drops by reason.
void print_feed_counters(std::FILE* out, const metrics::FeedCounters& counters);
// The counters, then what the sequence audit says (new, late, duplicate, gaps listed).
void print_feed_report(std::FILE* out, const metrics::FeedCounters& counters, const feed::SequenceAudit& audit);
// What the sequencer did: delivered, duplicates, reordering, gaps, and per line.
void print_sequencer_report(std::FILE* out, const feed::SequencerStats& stats, const std::uint64_t (&line_missing)[2]);
void print_port_report(std::FILE* out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports);
// Re-requests: sent, retried, holes recovered or abandoned, and how long recovery took.
void print_recovery_report(std::FILE* out, const recovery::RecoveryStats& stats);
// One "key value" line, aligned like the rest of the report.
void print_report_line(std::FILE* out, const std::string& key, std::uint64_t value);

// A sequenced feed's part of the report: the sequencer's figures, then how often each line
// went stale.
template <class SequencedFeed>
void print_sequenced_feed_report(std::FILE* out, const SequencedFeed& feed) {
  const std::uint64_t missing[2] = {feed.line_missing(0), feed.line_missing(1)};
  print_sequencer_report(out, feed.stats(), missing);
  for (unsigned l = 0; l < feed::kRecoveryLine; ++l) {
    if (!feed.line_health(l).seen) continue;
    print_report_line(out, std::string("line.") + static_cast<char>('a' + l) + ".stale_episodes",
                      feed.line_health(l).stale_episodes);
  }
}
// "key 12.3": `part` as a percentage of `whole` (0 when whole is 0).
void print_report_percent(std::FILE* out, const std::string& key, std::uint64_t part, std::uint64_t whole);

}  // namespace tickwire::report
