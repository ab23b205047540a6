#include "controlplane/report/feed_report.h"

#include <cinttypes>
#include <string>

namespace tickwire::report {

void print_report_line(std::FILE* out, const std::string& key, std::uint64_t value) {
  std::fprintf(out, "%-44s %" PRIu64 "\n", key.c_str(), value);
}

void print_report_percent(std::FILE* out, const std::string& key, std::uint64_t part, std::uint64_t whole) {
  const double value = whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  std::fprintf(out, "%-44s %.1f\n", key.c_str(), value);
}

void print_port_report(std::FILE* out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports) {
  for (const auto& [name, port] : ports) {
    std::fprintf(out, "port %s received=%" PRIu64 " missed=%" PRIu64 " errors=%" PRIu64 " no_mbuf=%" PRIu64 "\n",
                 name.c_str(), port.received, port.missed, port.errors, port.no_mbuf);
  }
}

namespace {
void line(std::FILE* out, const std::string& key, std::uint64_t value) { print_report_line(out, key, value); }
}  // namespace

void print_feed_counters(std::FILE* out, const metrics::FeedCounters& c) {
  line(out, "packets", c.packets);
  line(out, "bytes", c.bytes);
  line(out, "packets_filtered", c.packets_filtered);
  line(out, "moldudp64_packets", c.mold_packets);
  line(out, "heartbeats", c.heartbeats);
  line(out, "end_of_session", c.end_of_session);
  line(out, "packets_with_trailing_bytes", c.packets_with_trailing_bytes);
  line(out, "ipv4_checksum_absent", c.ipv4_checksum_absent);
  line(out, "messages", c.messages);
  for (std::size_t i = 0; i < itch::kMessageTypeCount; ++i) {
    line(out, std::string("messages.") + itch::kTypeInfo.code[i], c.messages_by_type[i]);
  }
  std::uint64_t dropped = 0;
  for (std::size_t i = 0; i < metrics::kDropReasonCount; ++i) {
    line(out, "drops." + std::string(metrics::kDropReasonNames[i]), c.drops[i]);
    dropped += c.drops[i];
  }
  line(out, "drops.total", dropped);
}

void print_sequencer_report(std::FILE* out, const feed::SequencerStats& s, const std::uint64_t (&line_missing)[2]) {
  static_assert(feed::kRecoveryLine == 2, "line_missing covers the two feed lines");
  line(out, "sequencer.delivered", s.delivered);
  line(out, "sequencer.duplicates", s.duplicates);
  line(out, "sequencer.buffered_packets", s.buffered_packets);
  line(out, "sequencer.recovered", s.recovered);
  line(out, "sequencer.gaps", s.gaps);
  line(out, "sequencer.gap_messages", s.gap_messages);
  line(out, "sequencer.session_changes", s.session_changes);
  line(out, "sequencer.ended_session_packets", s.ended_session_packets);
  line(out, "sequencer.other_session_packets", s.resume_session_mismatches);
  line(out, "sequencer.oversized_packets", s.oversized_packets);
  line(out, "sequencer.before_resume", s.before_resume);
  line(out, "sequencer.join_held_packets", s.join_held_packets);
  line(out, "sequencer.join_evicted_packets", s.join_evicted_packets);
  for (unsigned l = 0; l < feed::kMaxLines; ++l) {
    const feed::LineStats& ls = s.lines[l];
    if (ls.packets == 0) continue;
    const std::string prefix = l == feed::kRecoveryLine ? std::string("line.recovery.")
                                                        : std::string("line.") + static_cast<char>('a' + l) + ".";
    line(out, prefix + "packets", ls.packets);
    line(out, prefix + "messages_first", ls.messages_first);
    line(out, prefix + "messages_duplicate", ls.messages_duplicate);
    if (l < feed::kRecoveryLine) line(out, prefix + "messages_missing", line_missing[l]);
    line(out, prefix + "lag_mean_ns", ls.lag_samples == 0 ? 0 : ls.lag_total_ns / ls.lag_samples);
    line(out, prefix + "lag_max_ns", ls.lag_max_ns);
  }
}

void print_recovery_report(std::FILE* out, const recovery::RecoveryStats& s) {
  line(out, "recovery.requests", s.requests);
  line(out, "recovery.retries", s.retries);
  line(out, "recovery.holes_recovered", s.holes_recovered);
  line(out, "recovery.holes_abandoned", s.holes_abandoned);
  line(out, "recovery.holes_too_large", s.holes_too_large);
  for (const double p : {50.0, 90.0, 99.0, 99.9}) {
    char key[64];
    std::snprintf(key, sizeof key, "recovery.latency_ns.p%g", p);
    line(out, key, s.latency.percentile(p));
  }
  line(out, "recovery.latency_ns.max", s.latency.max());
}

void print_feed_report(std::FILE* out, const metrics::FeedCounters& c, const feed::SequenceAudit& audit) {
  print_feed_counters(out, c);

  const feed::SequenceTotals& t = audit.totals();
  line(out, "sequence.sessions", audit.session_count());
  line(out, "sequence.new", t.new_messages);
  line(out, "sequence.late", t.late_messages);
  line(out, "sequence.duplicates", t.duplicate_messages);
  std::size_t open_gaps = 0;
  audit.for_each_gap([&](const feed::SessionId&, const feed::SequenceRange&) { ++open_gaps; });
  line(out, "sequence.gaps", open_gaps);
  line(out, "sequence.missing_messages", audit.missing_messages());
  line(out, "sequence.holes_evicted", t.holes_evicted);
  line(out, "sequence.untracked_session_messages", t.sessions_untracked);
  std::size_t listed = 0;
  audit.for_each_gap([&](const feed::SessionId& session, const feed::SequenceRange& r) {
    if (listed++ < kGapsListed) {
      std::fprintf(out, "gap session=%.10s first=%" PRIu64 " last=%" PRIu64 " count=%" PRIu64 "\n",
                   session.text().data(), r.first, r.last, r.size());
    }
  });
  if (listed > kGapsListed) std::fprintf(out, "gap ... %zu more not listed\n", listed - kGapsListed);
}

}  // namespace tickwire::report
