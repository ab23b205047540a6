#include "controlplane/session/rx_figures.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "controlplane/report/feed_report.h"

namespace tickwire::session {

std::string format_rx_stats(const RxFigures& figures) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return "rx.answered 0\n";
  report::print_report_line(out, "rx.answered", 1);
  report::print_feed_counters(out, figures.feed);
  report::print_sequencer_report(out, figures.sequencer, figures.line_missing);
  report::print_report_line(out, "book.messages_applied", figures.book.messages_applied);
  report::print_report_line(out, "book.events", figures.book.events);
  report::print_report_line(out, "book.days_begun", figures.book.days_begun);
  report::print_report_line(out, "book.orders_dropped_at_day_end", figures.book.orders_dropped_at_day_end);
  for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
    report::print_report_line(out, "book.anomalies." + std::string(book::kBookAnomalyNames[i]), figures.book.anomalies[i]);
  }
  report::print_report_line(out, "router.messages", figures.router.messages);
  report::print_report_line(out, "router.too_large", figures.router.too_large);
  report::print_report_line(out, "router.full_waits", figures.router.full_waits);
  report::print_report_line(out, "router.sequence_out_of_range", figures.router.sequence_out_of_range);
  std::fclose(out);
  std::string lines(text, size);
  std::free(text);
  return lines;
}

std::string fetch_rx_stats(FigureSnapshot<RxFigures>& snapshot, std::chrono::microseconds wait,
                           const std::function<void()>& while_waiting,
                           const std::function<bool(RxFigures&)>& if_stopped) {
  // Large (the counters of every message type and drop reason): not on the control thread's stack.
  auto figures = std::make_unique<RxFigures>();
  if (if_stopped(*figures) || snapshot.fetch(*figures, wait, while_waiting) || if_stopped(*figures)) {
    return format_rx_stats(*figures);
  }
  return "rx.answered 0\n";
}

}  // namespace tickwire::session
