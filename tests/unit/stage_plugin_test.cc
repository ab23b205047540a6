// Loading a stage from a shared object: the shipped large-trade stage loads and works; a
// missing file, a file that is not a stage, or bad parameters give an error naming the
// file and the reason.
#include "controlplane/runtime/stage_plugin.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/test_support.h"

namespace tickwire::runtime {
namespace {

std::string plugin_path() { return test::build_dir() + "/dataplane/tickwire_large_trade.so"; }

struct Collect final : stages::SignalSink {
  std::vector<stages::Signal> signals;
  void emit(const stages::Signal& s) noexcept override { signals.push_back(s); }
};

events::Event trade(std::uint64_t seq, std::uint64_t shares) {
  events::Event e{};
  e.sequence = seq;
  e.kind = events::EventKind::kTrade;
  e.quantity = shares;
  e.price = 1'000'000;
  e.instrument = 3;
  e.flags = events::kLastInMessage;
  return e;
}

TEST(StagePlugin, TheShippedLargeTradeStageLoadsAndSignalsBigPrints) {
  std::string error;
  const auto plugin = StagePlugin::load(plugin_path(), error);
  ASSERT_TRUE(plugin) << error;
  const auto stage = plugin->create("min_shares=500", 100, 2, error);
  ASSERT_TRUE(stage) << error;
  EXPECT_EQ(stage->name(), "large_trade");
  Collect out;
  const events::Event small[] = {trade(1, 499)};
  const events::Event big[] = {trade(2, 500)};
  EXPECT_TRUE(stage->process(small, out));
  EXPECT_TRUE(stage->process(big, out));
  ASSERT_EQ(out.signals.size(), 1u);
  EXPECT_EQ(out.signals[0].kind, stages::SignalKind::kLargeTrade);
  EXPECT_EQ(out.signals[0].sequence, 2u);
  EXPECT_EQ(out.signals[0].size_after, 500u);
  EXPECT_EQ(out.signals[0].stage, 2u);
}

TEST(StagePlugin, FailuresSayWhichFileAndWhy) {
  std::string error;
  EXPECT_FALSE(StagePlugin::load("/nonexistent/stage.so", error));
  EXPECT_NE(error.find("/nonexistent/stage.so"), std::string::npos) << error;

  // A shared object that is not a stage: libc exports neither entry point.
  error.clear();
  EXPECT_FALSE(StagePlugin::load("libc.so.6", error));
  EXPECT_NE(error.find("does not export tickwire_stage_abi"), std::string::npos) << error;

  const auto plugin = StagePlugin::load(plugin_path(), error);
  ASSERT_TRUE(plugin) << error;
  error.clear();
  EXPECT_FALSE(plugin->create("min_shares=0", 100, 0, error));
  EXPECT_NE(error.find("expected min_shares=N"), std::string::npos) << error;
}

}  // namespace
}  // namespace tickwire::runtime
