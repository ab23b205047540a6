#include "controlplane/session/status_lines.h"

#include <cstdio>
#include <string>

#include "controlplane/report/session_report.h"
#include "controlplane/report/summary.h"
#include "controlplane/session/feed_session.h"

namespace tickwire::session {

void StatusLines::start(const ProcessView& process) {
  started_ = std::chrono::steady_clock::now();
  next_ = started_ + interval_;
  seen_.resize(process.feeds.size());
}

void StatusLines::poll(const ProcessView& process) {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_) return;
  next_ += interval_;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started_);
  const std::uint64_t rss_mib = report::current_rss_kib() / 1024;
  process.clear_terminal();
  for (std::size_t i = 0; i < process.feeds.size(); ++i) {
    FeedSession& feed = *process.feeds[i];
    if (feed.merged()) continue;  // it has said everything in its summary to come
    Seen& last = seen_[i];
    const std::uint64_t messages = feed.progress().messages.load(std::memory_order_relaxed);
    const std::uint64_t rate = (messages - last.messages) / static_cast<std::uint64_t>(interval_.count());
    last.messages = messages;
    std::string latency;
    if (const auto so_far = feed.latency_so_far(process.keep_io)) {
      const metrics::LatencyHistogram interval = so_far->since(*last.latency);
      *last.latency = *so_far;
      if (interval.count() != 0) {
        latency = ", end to end p50 " + report::readable_ns(interval.percentile(50)) + " p99 " +
                  report::readable_ns(interval.percentile(99)) + " p99.9 " +
                  report::readable_ns(interval.percentile(99.9)) + " max " + report::readable_ns(interval.max());
      }
    }
    std::fprintf(stderr, "%s: status %llds: %s messages, %s/s over the last %llds, RSS %s MiB%s\n", feed.who().c_str(),
                 static_cast<long long>(seconds.count()), report::with_thousands(messages).c_str(),
                 report::with_thousands(rate).c_str(), static_cast<long long>(interval_.count()),
                 report::with_thousands(rss_mib).c_str(), latency.c_str());
  }
  std::fflush(stderr);
}

}  // namespace tickwire::session
