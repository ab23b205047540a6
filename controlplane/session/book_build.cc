#include "controlplane/session/book_build.h"

namespace tickwire::session {

bool BookBuild::init(const BookBuildOptions& options, const net::UdpFilter& feed_filter, std::string& error) {
  filter = feed_filter;
  if (!books.init(options.config, error)) return false;
  builder = std::make_unique<book::BookBuilder<EventTally>>(books, tally, book_counters, 0);
  sink = std::make_unique<BookSink>(BookSink{*builder, options.at});
  sink->prefetch_ahead = options.config.prefetch;
  sequenced = std::make_unique<feed::SequencedFeed<BookSink>>(*sink, filter, feed_counters, options.sequencing);
  if (!sequenced->ok()) {
    error = "cannot reserve the reorder buffer";
    return false;
  }
  return true;
}

}  // namespace tickwire::session
