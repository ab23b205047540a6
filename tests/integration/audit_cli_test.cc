// `tickwire audit` on generated captures with injected faults on two lines: the gaps it
// reports are exactly the sequence numbers neither line delivered, as the generator's
// sidecar lists them.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/support/json_line.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

struct Range {
  std::int64_t first;
  std::int64_t last;
  friend bool operator==(const Range&, const Range&) = default;
};

std::int64_t number(const JsonObject& o, const std::string& key) { return std::get<std::int64_t>(o.at(key)); }

// Sequence numbers each line lost, per the sidecar; the gaps are those both lost.
std::vector<Range> expected_gaps(const std::string& sidecar, bool two_lines) {
  std::map<std::string, std::set<std::int64_t>> lost;
  for (const std::string& line : split_lines(sidecar)) {
    const auto o = parse_json_line(line);
    if (!o || !o->count("lost_first")) continue;
    auto& set = lost[std::get<std::string>(o->at("line"))];
    for (std::int64_t q = number(*o, "lost_first"); q <= number(*o, "lost_last"); ++q) set.insert(q);
  }
  std::set<std::int64_t> both;
  for (std::int64_t q : lost["A"]) {
    if (!two_lines || lost["B"].count(q)) both.insert(q);
  }
  std::vector<Range> out;
  for (std::int64_t q : both) {
    if (!out.empty() && out.back().last + 1 == q) {
      out.back().last = q;
    } else {
      out.push_back({q, q});
    }
  }
  return out;
}

std::vector<Range> audited_gaps(const std::string& output, JsonObject& summary) {
  std::vector<Range> out;
  for (const std::string& line : split_lines(output)) {
    const auto o = parse_json_line(line);
    EXPECT_TRUE(o) << line;
    if (!o) continue;
    if (o->count("summary")) {
      summary = *o;
      continue;
    }
    EXPECT_EQ(std::get<std::string>(o->at("session")), "TICKWIRE01");
    out.push_back({number(*o, "first"), number(*o, "last")});
  }
  return out;
}

TEST(AuditCli, ReportsExactlyTheInjectedGapsOnOneAndTwoLines) {
  for (const bool two_lines : {false, true}) {
    for (const char* seed : {"5", "6", "7"}) {
      const std::string dir = temp_dir();
      std::vector<std::string> gen = {"generate", "--out", dir + "/f.pcap", "--sidecar", dir + "/f.jsonl", "--quiet",
                                      "--seed", seed, "--messages", "20000", "--symbols", "30", "--rate", "1000000",
                                      "--gap-rate", "0.03", "--dup-rate", "0.03", "--reorder-rate", "0.03",
                                      "--truncate-rate", "0.02", "--corrupt-rate", "0.02"};
      if (two_lines) {
        gen.push_back("--group-b");
        gen.push_back("233.54.13.111:26477");
      }
      const CommandResult g = run_command(tickwire_binary(), gen);
      ASSERT_EQ(g.exit_code, 0) << g.err;
      const CommandResult r = run_command(tickwire_binary(), {"audit", dir + "/f.pcap"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      JsonObject summary;
      const auto gaps = audited_gaps(r.out, summary);
      const auto expected = expected_gaps(std::string(reinterpret_cast<const char*>(read_file(dir + "/f.jsonl").data()), read_file(dir + "/f.jsonl").size()), two_lines);
      EXPECT_FALSE(expected.empty()) << "the scenario should lose something";
      EXPECT_EQ(gaps.size(), expected.size()) << "seed " << seed << " lines " << (two_lines ? 2 : 1);
      EXPECT_TRUE(gaps == expected) << "seed " << seed << " lines " << (two_lines ? 2 : 1);
      std::int64_t missing = 0;
      for (const Range& x : expected) missing += x.last - x.first + 1;
      EXPECT_EQ(number(summary, "missing"), missing);
      EXPECT_EQ(number(summary, "gaps"), static_cast<std::int64_t>(expected.size()));
    }
  }
}

TEST(AuditCli, ACleanCaptureIsComplete) {
  const CommandResult r = run_command(tickwire_binary(), {"audit", source_dir() + "/pcap_samples/sample_day.pcap"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = split_lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  const auto summary = parse_json_line(lines[0]);
  ASSERT_TRUE(summary);
  EXPECT_EQ(number(*summary, "gaps"), 0);
  EXPECT_EQ(number(*summary, "messages"), 8000);
  EXPECT_TRUE(std::get<bool>(summary->at("complete")));
}

}  // namespace
}  // namespace tickwire::test
