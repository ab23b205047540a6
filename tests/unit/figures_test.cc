// A run's figures: one style, in the order they were added, as key-value lines and as JSON.
#include "controlplane/report/figures.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/json_line.h"

namespace tickwire::test {
namespace {

std::string printed(const report::Figures& f) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  f.print(out);
  std::fclose(out);
  std::string s(text, size);
  std::free(text);
  return s;
}

TEST(Figures, PrintsAlignedKeyValueLinesInOrder) {
  report::Figures f;
  f.add("messages", 12);
  f.add_percent("rx.busy_percent", 1, 3);
  f.add_text("journal.path", "out/j.jsonl");
  EXPECT_EQ(printed(f), std::string("messages") + std::string(37, ' ') + "12\n" + "rx.busy_percent" +
                            std::string(30, ' ') + "33.3\n" + "journal.path" + std::string(33, ' ') +
                            "out/j.jsonl\n");
  EXPECT_EQ(f.count("messages"), 12u);
  EXPECT_EQ(f.count("journal.path"), 0u) << "text is not a count";
  EXPECT_EQ(f.count("absent"), 0u);
}

TEST(Figures, AHistogramBecomesItsCountPercentilesAndMax) {
  metrics::LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  report::Figures f;
  f.add_histogram("latency.end_to_end", h);
  EXPECT_EQ(f.count("latency.end_to_end.count"), 100u);
  EXPECT_EQ(f.count("latency.end_to_end.p50_ns"), 50u);
  EXPECT_EQ(f.count("latency.end_to_end.p99_ns"), 99u);
  EXPECT_EQ(f.count("latency.end_to_end.p99_9_ns"), 100u);
  EXPECT_EQ(f.count("latency.end_to_end.max_ns"), 100u);
  EXPECT_EQ(f.entries().size(), 7u);  // count, five percentiles, max
}

TEST(Figures, JsonIsOneFlatObjectWithEverythingEscaped) {
  report::Figures inner;
  inner.add("messages", 7);
  inner.add_text("journal.path", "a \"quoted\"\\path\n");
  report::Figures f;
  f.append(inner, "feed.nasdaq.");
  f.add("memory.peak_rss_kib", 1024);
  const std::string json = f.json();
  ASSERT_EQ(json.back(), '\n');
  const auto parsed = parse_json_line(json.substr(0, json.size() - 1));
  ASSERT_TRUE(parsed) << json;
  EXPECT_EQ(std::get<std::int64_t>(parsed->at("feed.nasdaq.messages")), 7);
  EXPECT_EQ(std::get<std::string>(parsed->at("feed.nasdaq.journal.path")), "a \"quoted\"\\path\n");
  EXPECT_EQ(std::get<std::int64_t>(parsed->at("memory.peak_rss_kib")), 1024);
}

}  // namespace
}  // namespace tickwire::test
