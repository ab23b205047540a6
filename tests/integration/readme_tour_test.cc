// README.md's tour runs as written: every command of its "A five-minute tour" section, in
// order, from the repository root (with build/tickwire being this build's binary), so the
// guide a newcomer follows cannot rot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

std::string readme() {
  const Bytes bytes = read_file(source_dir() + "/README.md");
  return std::string(bytes.begin(), bytes.end());
}

// The shell blocks of one section (from its heading to the next).
std::string section_commands(const std::string& text, const std::string& heading) {
  const std::size_t at = text.find("\n## " + heading + "\n");
  if (at == std::string::npos) return "";
  const std::size_t end = text.find("\n## ", at + 4);
  const std::string section = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::string commands;
  const std::regex block("```sh\n([^`]*)```");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), block); it != std::sregex_iterator(); ++it) {
    commands += (*it)[1].str();
  }
  return commands;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

TEST(ReadmeTour, TheFirstTwoCommandsAreTheDemoAndTheTestSuite) {
  const std::string text = readme();
  const std::string opening = "```sh\nscripts/demo.sh ";
  EXPECT_EQ(text.find(opening), text.find("```sh")) << "README.md must open with the demo command";
  EXPECT_NE(text.find("\nscripts/test.sh "), std::string::npos);
  EXPECT_EQ(access((source_dir() + "/scripts/demo.sh").c_str(), R_OK), 0);
  EXPECT_EQ(access((source_dir() + "/scripts/test.sh").c_str(), R_OK), 0);
}

TEST(ReadmeTour, EveryTourCommandRunsAsWritten) {
  std::string commands = section_commands(readme(), "A five-minute tour");
  ASSERT_FALSE(commands.empty()) << "no tour section in README.md";
  commands = replace_all(commands, "build/tickwire", tickwire_binary());
  const std::string script = "set -euo pipefail\nrm -rf /tmp/tickwire-tour\ncd '" + source_dir() + "'\n" + commands;
  const CommandResult r = run_command("/bin/bash", {"-c", script});
  ASSERT_EQ(r.exit_code, 0) << script << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err;
  // What the tour says the reader sees.
  EXPECT_NE(r.out.find("  signals     "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("p99.9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("{\"seq\":"), std::string::npos) << "the journal's first lines";
  EXPECT_NE(r.out.find("ok: stage price_move swapped in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\npatterns\n  instances   3,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"template\":\"sequence\""), std::string::npos) << "the journal's pattern lines";
  EXPECT_NE(r.out.find("tickwire run: 1 feed, 8,000 messages"), std::string::npos) << r.out;
  const Bytes report = read_file("/tmp/tickwire-tour/report.json");
  EXPECT_EQ(std::string(report.begin(), report.end()).rfind("{\"packets\":", 0), 0u);
}

}  // namespace
}  // namespace tickwire::test
