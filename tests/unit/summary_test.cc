// The summary a person reads at the end of a run: what came in and what was lost, signals with
// examples, latency percentiles named p50/p99/p99.9, and what needs attention.
#include "controlplane/report/summary.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tickwire::test {
namespace {

std::string printed(const report::RunSummary& run) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  report::print_summary(out, run);
  std::fclose(out);
  std::string s(text, size);
  std::free(text);
  return s;
}

TEST(Summary, ACleanRunSaysSoAndShowsItsSignalsAndLatency) {
  report::FeedSummary f;
  f.inputs = {"day.pcap"};
  f.layout = "1 worker";
  f.packets = 1'000;
  f.messages = 2'500'000;
  f.elapsed_ns = 1'000'000'000;
  f.signals = {{"price_jump", 2}};
  f.signal_total = 2;
  f.examples = {R"({"seq":5,"signal":"price_jump"})"};
  metrics::LatencyHistogram h;
  for (std::uint64_t v = 1000; v <= 2000; ++v) h.record(v);
  f.end_to_end = h;
  f.journal_path = "j.jsonl";
  f.journal_sha256 = "ab";
  report::RunSummary run;
  run.command = "replay";
  run.feeds.push_back(f);
  const std::string text = printed(run);
  EXPECT_EQ(text.rfind("tickwire replay: 1 feed, 2,500,000 messages\n", 0), 0u) << text;
  EXPECT_NE(text.find("2,500,000 in 1,000 packets, 1.00 s (2.50M/s)"), std::string::npos) << text;
  EXPECT_NE(text.find("drops       none"), std::string::npos) << text;
  EXPECT_NE(text.find("gaps        none"), std::string::npos) << text;
  EXPECT_NE(text.find("signals     2: price_jump 2"), std::string::npos) << text;
  EXPECT_NE(text.find(R"({"seq":5,"signal":"price_jump"})"), std::string::npos) << text;
  EXPECT_NE(text.find("end to end  p50 1.5 us   p99 2.0 us   p99.9 2.0 us"), std::string::npos) << text;
  EXPECT_NE(text.find("journal     j.jsonl  sha256 ab"), std::string::npos) << text;
  EXPECT_NE(text.find("attention   nothing"), std::string::npos) << text;
}

TEST(Summary, LossesAreCountedByReasonAndListedUnderAttention) {
  report::FeedSummary f;
  f.name = "bx";
  f.messages = 10;
  f.drops = {{"ipv4_bad_checksum", 2}, {"mold_truncated", 1}};
  f.gaps = 1;
  f.gap_messages = 17;
  f.attention = {"1 sequence gap"};
  report::RunSummary run;
  run.command = "run";
  run.feeds.push_back(f);
  run.feeds.push_back(report::FeedSummary{});
  run.feeds.back().name = "nasdaq";
  run.stop_signal = 2;
  const std::string text = printed(run);
  EXPECT_EQ(text.rfind("tickwire run: 2 feeds, 10 messages (stopped by a signal)\n", 0), 0u) << text;
  EXPECT_NE(text.find("feed bx\n"), std::string::npos) << text;
  EXPECT_NE(text.find("drops       3: ipv4_bad_checksum 2, mold_truncated 1"), std::string::npos) << text;
  EXPECT_NE(text.find("gaps        1, 17 messages never came"), std::string::npos) << text;
  EXPECT_NE(text.find("attention:\n  - feed bx: 1 sequence gap\n"), std::string::npos) << text;
}

TEST(Summary, NumbersAndDurationsReadTheWayPeopleWriteThem) {
  EXPECT_EQ(report::with_thousands(0), "0");
  EXPECT_EQ(report::with_thousands(999), "999");
  EXPECT_EQ(report::with_thousands(1000), "1,000");
  EXPECT_EQ(report::with_thousands(12345678), "12,345,678");
  EXPECT_EQ(report::readable_ns(850), "850 ns");
  EXPECT_EQ(report::readable_ns(12'400), "12.4 us");
  EXPECT_EQ(report::readable_ns(3'100'000), "3.10 ms");
  EXPECT_EQ(report::readable_ns(2'500'000'000), "2.50 s");
}

}  // namespace
}  // namespace tickwire::test
