// A feed's figures: what was received, delivered, dropped (by reason), what the sequencer
// and recovery did, the DPDK ports' counters. Added to a run's Figures (report/figures.h),
// or printed straight as `key value` lines (decode, book, audit --stats).
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "controlplane/recovery/recovery_policy.h"
#include "controlplane/report/figures.h"
#include "dataplane/feed/sequence_audit.h"
#include "dataplane/feed/sequencer.h"
#include "dataplane/metrics/feed_counters.h"
#include "drivers/dpdk_port.h"

namespace tickwire::report {

// At most this many gap ranges are listed one per line; the totals always count all.
inline constexpr std::size_t kGapsListed = 50;

// Packets, bytes, messages by type, drops by reason.
void add_feed_counters(Figures& out, const metrics::FeedCounters& counters);
// What the sequencer did: delivered, duplicates, reordering, gaps, and per line.
void add_sequencer(Figures& out, const feed::SequencerStats& stats, const std::uint64_t (&line_missing)[2]);
void add_ports(Figures& out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports);
// Re-requests: sent, retried, holes recovered or abandoned, and how long recovery took.
void add_recovery(Figures& out, const recovery::RecoveryStats& stats);

// A sequenced feed's part: the sequencer's figures, then how often each line went stale.
template <class SequencedFeed>
void add_sequenced_feed(Figures& out, const SequencedFeed& feed) {
  const std::uint64_t missing[2] = {feed.line_missing(0), feed.line_missing(1)};
  add_sequencer(out, feed.stats(), missing);
  for (unsigned l = 0; l < feed::kRecoveryLine; ++l) {
    if (!feed.line_health(l).seen) continue;
    out.add(std::string("line.") + static_cast<char>('a' + l) + ".stale_episodes", feed.line_health(l).stale_episodes);
  }
}

// The same, printed as `key value` lines.
void print_feed_counters(std::FILE* out, const metrics::FeedCounters& counters);
// The counters, then what the sequence audit says (new, late, duplicate, gaps listed).
void print_feed_report(std::FILE* out, const metrics::FeedCounters& counters, const feed::SequenceAudit& audit);
void print_port_report(std::FILE* out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports);
void print_recovery_report(std::FILE* out, const recovery::RecoveryStats& stats);
template <class SequencedFeed>
void print_sequenced_feed_report(std::FILE* out, const SequencedFeed& feed) {
  Figures f;
  add_sequenced_feed(f, feed);
  f.print(out);
}
// One `key value` line, aligned like the rest of the report.
void print_report_line(std::FILE* out, const std::string& key, std::uint64_t value);

}  // namespace tickwire::report
