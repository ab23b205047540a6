// `tickwire book` as a run: the inputs through the sequencer into the books (a snapshot
// first when joining late, a re-request server for what no line brought), then the books
// printed, or their sha256, and with `stats` every counter on stderr.
#pragma once

#include <cstdint>
#include <optional>

#include "controlplane/session/book_build.h"
#include "controlplane/session/feed_input.h"
#include "dataplane/net/udp_filter.h"

namespace tickwire::session {

struct BookRunOptions {
  BookBuildOptions build;
  std::optional<std::size_t> depth;  // levels printed per side; none: all
  bool digest = false;               // the sha256 of the text instead of the text
  bool stats = false;
  std::optional<net::UdpEndpoint> snapshot_server;
  int snapshot_wait_ms = 0;  // 0: no limit
  std::optional<net::UdpEndpoint> recovery_server;
  std::uint32_t recovery_attempts = 5;
  std::uint64_t recovery_retry_ms = 50;
};

// The exit code: 0; 1 when an input could not be used, the books could not be reserved, or
// a snapshot failed or came from another session than the feed's.
int run_book(const FeedInputOptions& input, const BookRunOptions& options);

}  // namespace tickwire::session
