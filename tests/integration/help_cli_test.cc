// Every command as a newcomer first meets it: `--help` (and -h) prints its usage and exits 0;
// a mistake prints the error and one line pointing to --help, not the whole usage.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/subprocess.h"

namespace tickwire::test {
namespace {

constexpr const char* kCommands[] = {"decode",           "book",            "replay", "run",      "ctl",   "audit",
                                     "rerequest-server", "snapshot-server", "send",   "generate", "bench"};

TEST(HelpCli, EveryCommandAnswersHelp) {
  for (const char* command : kCommands) {
    for (const char* flag : {"--help", "-h"}) {
      SCOPED_TRACE(std::string(command) + " " + flag);
      const CommandResult r = run_command(tickwire_binary(), {command, flag});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out.rfind("usage: tickwire " + std::string(command), 0), 0u) << r.out;
    }
  }
  // A benchmark's help is the bench command's.
  const CommandResult bench = run_command(tickwire_binary(), {"bench", "pipeline", "--help"});
  EXPECT_EQ(bench.exit_code, 0) << bench.err;
  EXPECT_NE(bench.out.find("--rates"), std::string::npos) << bench.out;
}

TEST(HelpCli, AMistakeSaysWhatAndWhereToLookInTwoLines) {
  const CommandResult bad_key = run_command(tickwire_binary(), {"replay", "--set", "book.max_ordrs=5", "x.pcap"});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_EQ(bad_key.err,
            "tickwire replay: --set book.max_ordrs=5: unknown key\n(tickwire replay --help for the options)\n");
  const CommandResult bad_option = run_command(tickwire_binary(), {"book", "--dpeth", "3", "x.pcap"});
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_EQ(bad_option.err, "tickwire book: unknown option --dpeth\n(tickwire book --help for the options)\n");
}

}  // namespace
}  // namespace tickwire::test
