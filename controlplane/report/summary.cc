#include "controlplane/report/summary.h"

#include <cinttypes>

namespace tickwire::report {

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
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
  std::string inputs;
  for (const std::string& i : f.inputs) inputs += (inputs.empty() ? "" : ", ") + i;
  row(out, "input", inputs.empty() ? "(none)" : inputs);
  row(out, "layout", f.layout);
  const std::string seconds = readable_ns(f.elapsed_ns);
  row(out, "messages", with_thousands(f.messages) + " in " + with_thousands(f.packets) + " packets, " + seconds +
                           (f.elapsed_ns == 0 ? "" : " (" + rate(f.messages, f.elapsed_ns) + ")"));
  std::uint64_t dropped = 0;
  for (const auto& d : f.drops) dropped += d.second;
  row(out, "drops", dropped == 0 ? "none" : with_thousands(dropped) + ": " + listed(f.drops));
  row(out, "gaps", f.gaps == 0 ? "none"
                               : with_thousands(f.gaps) + ", " + with_thousands(f.gap_messages) +
                                     " messages never came (books suspect from the first)");
  row(out, "signals", f.signal_total == 0 ? "none" : with_thousands(f.signal_total) + ": " + listed(f.signals));
  for (const std::string& line : f.examples) std::fprintf(out, "  %-*s   %s\n", kLabelWidth, "", line.c_str());
  if (f.end_to_end && f.end_to_end->count() != 0) row(out, "latency", "end to end  " + percentiles(*f.end_to_end));
  if (f.per_message.count() != 0) {
    row(out, f.end_to_end ? "" : "latency", "stages per message  " + percentiles(f.per_message));
  }
  if (!f.journal_path.empty()) row(out, "journal", f.journal_path + "  sha256 " + f.journal_sha256);
}

}  // namespace

void print_summary(std::FILE* out, const RunSummary& run) {
  std::uint64_t messages = 0;
  for (const FeedSummary& f : run.feeds) messages += f.messages;
  std::fprintf(out, "tickwire %s: %zu feed%s, %s messages%s\n", run.command.c_str(), run.feeds.size(),
               run.feeds.size() == 1 ? "" : "s", with_thousands(messages).c_str(),
               run.stop_signal != 0 ? " (stopped by a signal)" : "");
  for (const FeedSummary& f : run.feeds) {
    if (run.feeds.size() > 1) std::fprintf(out, "feed %s\n", f.name.c_str());
    print_feed(out, f);
  }
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
