#include "controlplane/report/feed_report.h"

#include <cinttypes>
#include <string>

namespace tickwire::report {

void print_report_line(std::FILE* out, const std::string& key, std::uint64_t value) {
  std::fprintf(out, "%-44s %" PRIu64 "\n", key.c_str(), value);
}

void add_ports(Figures& out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports) {
  for (const auto& [name, port] : ports) {
    const std::string prefix = "port." + name + ".";
    out.add(prefix + "received", port.received);
    out.add(prefix + "missed", port.missed);
    out.add(prefix + "errors", port.errors);
    out.add(prefix + "no_mbuf", port.no_mbuf);
  }
}

void add_feed_counters(Figures& out, const metrics::FeedCounters& c) {
  out.add("packets", c.packets);
  out.add("bytes", c.bytes);
  out.add("packets_filtered", c.packets_filtered);
  out.add("moldudp64_packets", c.mold_packets);
  out.add("heartbeats", c.heartbeats);
  out.add("end_of_session", c.end_of_session);
  out.add("packets_with_trailing_bytes", c.packets_with_trailing_bytes);
  out.add("ipv4_checksum_absent", c.ipv4_checksum_absent);
  out.add("messages", c.messages);
  for (std::size_t i = 0; i < itch::kMessageTypeCount; ++i) {
    out.add(std::string("messages.") + itch::kTypeInfo.code[i], c.messages_by_type[i]);
  }
  std::uint64_t dropped = 0;
  for (std::size_t i = 0; i < metrics::kDropReasonCount; ++i) {
    out.add("drops." + std::string(metrics::kDropReasonNames[i]), c.drops[i]);
    dropped += c.drops[i];
  }
  out.add("drops.total", dropped);
}

void add_sequencer(Figures& out, const feed::SequencerStats& s, const std::uint64_t (&line_missing)[2]) {
  static_assert(feed::kRecoveryLine == 2, "line_missing covers the two feed lines");
  out.add("sequencer.delivered", s.delivered);
  out.add("sequencer.duplicates", s.duplicates);
  out.add("sequencer.buffered_packets", s.buffered_packets);
  out.add("sequencer.recovered", s.recovered);
  out.add("sequencer.gaps", s.gaps);
  out.add("sequencer.gap_messages", s.gap_messages);
  out.add("sequencer.session_changes", s.session_changes);
  out.add("sequencer.ended_session_packets", s.ended_session_packets);
  out.add("sequencer.other_session_packets", s.resume_session_mismatches);
  out.add("sequencer.oversized_packets", s.oversized_packets);
  out.add("sequencer.before_resume", s.before_resume);
  out.add("sequencer.join_held_packets", s.join_held_packets);
  out.add("sequencer.join_evicted_packets", s.join_evicted_packets);
  for (unsigned l = 0; l < feed::kMaxLines; ++l) {
    const feed::LineStats& ls = s.lines[l];
    if (ls.packets == 0) continue;
    const std::string prefix = l == feed::kRecoveryLine ? std::string("line.recovery.")
                                                        : std::string("line.") + static_cast<char>('a' + l) + ".";
    out.add(prefix + "packets", ls.packets);
    out.add(prefix + "messages_first", ls.messages_first);
    out.add(prefix + "messages_duplicate", ls.messages_duplicate);
    if (l < feed::kRecoveryLine) out.add(prefix + "messages_missing", line_missing[l]);
    out.add(prefix + "lag_mean_ns", ls.lag_samples == 0 ? 0 : ls.lag_total_ns / ls.lag_samples);
    out.add(prefix + "lag_max_ns", ls.lag_max_ns);
  }
}

void add_recovery(Figures& out, const recovery::RecoveryStats& s) {
  out.add("recovery.requests", s.requests);
  out.add("recovery.retries", s.retries);
  out.add("recovery.holes_recovered", s.holes_recovered);
  out.add("recovery.holes_abandoned", s.holes_abandoned);
  out.add("recovery.holes_too_large", s.holes_too_large);
  out.add_histogram("recovery.latency", s.latency);
}

void print_feed_counters(std::FILE* out, const metrics::FeedCounters& counters) {
  Figures f;
  add_feed_counters(f, counters);
  f.print(out);
}

void print_port_report(std::FILE* out, const std::vector<std::pair<std::string, drivers::PortCounters>>& ports) {
  Figures f;
  add_ports(f, ports);
  f.print(out);
}

void print_recovery_report(std::FILE* out, const recovery::RecoveryStats& stats) {
  Figures f;
  add_recovery(f, stats);
  f.print(out);
}

void print_feed_report(std::FILE* out, const metrics::FeedCounters& c, const feed::SequenceAudit& audit) {
  Figures f;
  add_feed_counters(f, c);
  const feed::SequenceTotals& t = audit.totals();
  f.add("sequence.sessions", audit.session_count());
  f.add("sequence.new", t.new_messages);
  f.add("sequence.late", t.late_messages);
  f.add("sequence.duplicates", t.duplicate_messages);
  std::size_t open_gaps = 0;
  audit.for_each_gap([&](const feed::SessionId&, const feed::SequenceRange&) { ++open_gaps; });
  f.add("sequence.gaps", open_gaps);
  f.add("sequence.missing_messages", audit.missing_messages());
  f.add("sequence.holes_evicted", t.holes_evicted);
  f.add("sequence.untracked_session_messages", t.sessions_untracked);
  f.print(out);
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
