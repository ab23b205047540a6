#include "controlplane/report/summary.h"

#include <cinttypes>

namespace tickwire::report {

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

std::string counted(std::uint64_t n, std::string_view one, std::string_view many) {
  return with_thousands(n) + " " + std::string(n == 1 ? one : many);
}

std::string readable_ns(std::uint64_t ns) {
  char text[32];
  const double v = static_cast<double>(ns);
  if (ns < 1'000) {
    std::snprintf(text, sizeof text, "%" PRIu64 " ns", ns);
  } else if (ns < 1'000'000) {
    std::snprintf(text, sizeof text, "%.1f us", v / 1e3);
  } else if (ns < 1'000'000'000) {
    std::snprintf(text, sizeof text, "%.2f ms", v / 1e6);
  } else {
    std::snprintf(text, sizeof text, "%.2f s", v / 1e9);
  }
  return text;
}

namespace {

constexpr int kLabelWidth = 11;

void row(std::FILE* out, const char* label, const std::string& text) {
  std::fprintf(out, "  %-*s %s\n", kLabelWidth, label, text.c_str());
}

std::string listed(const std::vector<std::pair<std::string, std::uint64_t>>& items) {
  std::string text;
  for (const auto& [name, n] : items) text += (text.empty() ? "" : ", ") + name + " " + with_thousands(n);
  return text;
}

std::string rate(std::uint64_t count, std::uint64_t ns) {
  if (ns == 0) return "";
  const double per_second = static_cast<double>(count) * 1e9 / static_cast<double>(ns);
  char text[48];
  if (per_second >= 1e6) {
    std::snprintf(text, sizeof text, "%.2fM/s", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(text, sizeof text, "%.1fk/s", per_second / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.0f/s", per_second);
  }
  return text;
}

std::string percentiles(const metrics::LatencyHistogram& h) {
  return "p50 " + readable_ns(h.percentile(50)) + "   p99 " + readable_ns(h.percentile(99)) + "   p99.9 " +
         readable_ns(h.percentile(99.9)) + "   max " + readable_ns(h.max());
}

void print_feed(std::FILE* out, const FeedSummary& f) {
  // A long list (days of files) shows its first few.
  constexpr std::size_t kInputsShown = 3;
  std::string inputs;
  for (std::size_t i = 0; i < f.inputs.size() && i < kInputsShown; ++i) inputs += (i == 0 ? "" : ", ") + f.inputs[i];
  if (f.inputs.size() > kInputsShown) inputs += " and " + with_thousands(f.inputs.size() - kInputsShown) + " more";
  row(out, "input", inputs.empty() ? "(none)" : inputs);
  row(out, "layout", f.layout);
  const std::string seconds = readable_ns(f.elapsed_ns);
  const std::string packets = f.packets == 0 ? "" : " in " + counted(f.packets, "packet", "packets");
  row(out, "messages", with_thousands(f.messages) + packets + ", " + seconds +
                           (f.elapsed_ns == 0 ? "" : " (" + rate(f.messages, f.elapsed_ns) + ")") +
                           (f.paced_rate == 0 ? "" : ", paced at " + with_thousands(f.paced_rate) + "/s"));
  std::uint64_t dropped = 0;
  for (const auto& d : f.drops) dropped += d.second;
  row(out, "drops", dropped == 0 ? "none" : with_thousands(dropped) + ": " + listed(f.drops));
  row(out, "gaps", f.gaps == 0 ? "none"
                               : with_thousands(f.gaps) + ", " + counted(f.gap_messages, "message", "messages") +
                                     " never came (books suspect from the first)");
  row(out, "signals", f.signal_total == 0 ? "none" : with_thousands(f.signal_total) + ": " + listed(f.signals));
  for (const std::string& line : f.examples) std::fprintf(out, "  %-*s   %s\n", kLabelWidth, "", line.c_str());
  if (f.end_to_end && f.end_to_end->count() != 0) row(out, "latency", "end to end  " + percentiles(*f.end_to_end));
  if (f.per_message.count() != 0) {
    row(out, f.end_to_end ? "" : "latency", "stages per message  " + percentiles(f.per_message));
  }
  if (!f.journal_path.empty()) row(out, "journal", f.journal_path + "  sha256 " + f.journal_sha256);
}

void print_patterns(std::FILE* out, const PatternSummary& p) {
  std::fprintf(out, "patterns\n");
  row(out, "instances", with_thousands(p.instances) + ", " + p.layout + ", over " +
                            counted(p.updates, "market update", "market updates"));
  row(out, "signals", p.signal_total == 0 ? "none" : with_thousands(p.signal_total) + ": " + listed(p.signals));
  for (const std::string& line : p.examples) std::fprintf(out, "  %-*s   %s\n", kLabelWidth, "", line.c_str());
  if (p.latency && p.latency->count() != 0) row(out, "latency", "arrival to signal  " + percentiles(*p.latency));
  if (!p.journal_path.empty()) row(out, "journal", p.journal_path + "  sha256 " + p.journal_sha256);
}

}  // namespace

void print_summary(std::FILE* out, const RunSummary& run) {
  std::uint64_t messages = 0;
  for (const FeedSummary& f : run.feeds) messages += f.messages;
  std::fprintf(out, "tickwire %s: %s, %s%s\n", run.command.c_str(), counted(run.feeds.size(), "feed", "feeds").c_str(),
               counted(messages, "message", "messages").c_str(), run.stop_signal != 0 ? " (stopped by a signal)" : "");
  for (const FeedSummary& f : run.feeds) {
    if (run.feeds.size() > 1) std::fprintf(out, "feed %s\n", f.name.c_str());
    print_feed(out, f);
  }
  if (run.patterns) print_patterns(out, *run.patterns);
  if (run.peak_rss_kib != 0) row(out, "memory", "peak RSS " + with_thousands(run.peak_rss_kib / 1024) + " MiB");
  std::vector<std::string> attention = run.attention;
  for (const FeedSummary& f : run.feeds) {
    for (const std::string& a : f.attention) attention.push_back(f.name.empty() ? a : "feed " + f.name + ": " + a);
  }
  if (attention.empty()) {
    row(out, "attention", "nothing: no drops, gaps, overruns or full rings");
    return;
  }
  std::fprintf(out, "attention:\n");
  for (const std::string& a : attention) std::fprintf(out, "  - %s\n", a.c_str());
}

}  // namespace tickwire::report
