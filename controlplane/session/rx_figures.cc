#include "controlplane/session/rx_figures.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "controlplane/report/feed_report.h"

namespace tickwire::session {

void add_rx_figures(report::Figures& out, const RxFigures& figures) {
  report::add_feed_counters(out, figures.feed);
  report::add_sequencer(out, figures.sequencer, figures.line_missing);
  out.add("book.messages_applied", figures.book.messages_applied);
  out.add("book.events", figures.book.events);
  out.add("book.days_begun", figures.book.days_begun);
  out.add("book.orders_dropped_at_day_end", figures.book.orders_dropped_at_day_end);
  for (std::size_t i = 0; i < book::kBookAnomalyCount; ++i) {
    out.add("book.anomalies." + std::string(book::kBookAnomalyNames[i]), figures.book.anomalies[i]);
  }
  out.add("router.messages", figures.router.messages);
  out.add("router.too_large", figures.router.too_large);
  out.add("router.full_waits", figures.router.full_waits);
  out.add("router.sequence_out_of_range", figures.router.sequence_out_of_range);
}

std::string format_rx_stats(const RxFigures& figures) {
  report::Figures f;
  f.add("rx.answered", 1);
  add_rx_figures(f, figures);
  return figures_text(f);
}

std::string figures_text(const report::Figures& figures) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return {};
  figures.print(out);
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
