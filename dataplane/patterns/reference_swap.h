// A securities file reloaded while the session runs (`tickwire ctl securities reload`), as one
// pattern thread takes it: the new per-feed symbols and this thread's instances rebuilt from
// the new reference data, all in force from one merge key.
//
// The control thread prepares everything (it parses, allocates and builds); the pattern
// thread only swaps pointers between two batches. With several pattern threads the key must
// be the same on all of them, and none can go back: each thread stops at the start of its
// next batch and says where (parked), the control thread takes the latest of those places
// (a batch's first update on every thread: they read one merge) and lets them go (go), and
// each takes the reload at the first batch that does not begin before it. A thread that does
// not stop in time makes the reload cancelled (the control thread says so; nothing changed).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "dataplane/patterns/feed_symbols.h"
#include "dataplane/patterns/market_update.h"
#include "dataplane/patterns/pattern_engine.h"

namespace tickwire::patterns {

struct ReferenceSwap {
  std::uint32_t version = 0;            // the reference data's version in this session (1: at start)
  const FeedSymbols* symbols = nullptr;  // the control thread's, kept until every thread has moved on
  std::vector<PatternChange> rebuilt;    // kReplace, for this thread's instances; taken: instance null
  bool coordinated = false;              // several threads: stop, then wait for `go`
  bool journal = false;                  // this thread writes the reload's journal line

  std::atomic<bool> parked{false};  // the thread has stopped; parked_at is written
  MarketUpdate parked_at{};         // the update it stopped before (a batch's first)
  std::atomic<bool> go{false};      // `at` and `cancel` are written
  bool cancel = false;
  MarketUpdate at{};                // in force from the first batch not beginning before this

  ReferenceSwap() = default;
  ReferenceSwap(const ReferenceSwap&) = delete;
  ReferenceSwap& operator=(const ReferenceSwap&) = delete;
  ~ReferenceSwap() {
    for (const PatternChange& c : rebuilt) delete c.instance;  // never taken (cancelled, or the thread ended)
  }
};

}  // namespace tickwire::patterns
