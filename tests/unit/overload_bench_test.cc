// The overload run of `bench pipeline` with rings small enough to fill at once: the worker's
// output ring full (its stage signals every low message) while the RX core waits on a full
// critical ring. It once deadlocked: the RX core was also what emptied the output ring. It
// must now run to the end, the output emptied by a thread that waits on neither.
#include "controlplane/bench/overload_bench.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/watchdog.h"

namespace tickwire::test {
namespace {

TEST(OverloadBench, FullRingsOnBothSidesOfTheWorkerDoNotDeadlock) {
  bench::BenchStreamOptions options;
  options.messages = 40'000;
  options.live_orders = 4'000;
  options.symbols = 40;
  bench::BenchStream stream;
  std::string error;
  ASSERT_TRUE(bench::load_bench_stream(options, stream, error)) << error;

  const Watchdog watchdog(std::chrono::seconds(90), "the overload run deadlocked");
  const bench::FeedPlan plan{UINT64_MAX, 5'000'000, true, metrics::TscClock::calibrate()};
  bench::OverloadOptions overload;
  overload.signal_each_low = true;
  overload.low_cost_ns = 2'000;
  overload.skip_low = true;  // overrun notices flip as low calls overrun and critical ones fit
  overload.output_records = 16;
  overload.critical_events = 16;
  overload.low_events = 16;
  overload.print = false;
  const bench::OverloadResult r = bench::run_low_overload(stream, plan, overload);
  ASSERT_TRUE(r.ran);
  EXPECT_EQ(r.messages, stream.messages);
  EXPECT_GT(r.outputs, 16u) << "the output ring never filled: nothing was tested";
  EXPECT_GT(r.critical.count(), 0u);
}

}  // namespace
}  // namespace tickwire::test
