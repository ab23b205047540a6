// Command-line options of a subcommand: declared up front, parsed once, with errors that
// name the option.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tickwire::cli {

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = false;
  std::string_view help;
};

class ArgParser {
 public:
  // argv[0] is the subcommand name. Positional arguments are what is not an option; "--"
  // ends the options.
  ArgParser(std::string_view command, std::vector<OptionSpec> specs);
  [[nodiscard]] bool parse(int argc, char** argv);

  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;  // the last one given
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const;   // every one given
  [[nodiscard]] const std::vector<std::string>& positional() const noexcept { return positional_; }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  [[nodiscard]] std::string usage(std::string_view synopsis) const;

  // Parses and handles what every command handles alike: a usage error is printed with a
  // pointer to --help (exit code 2), --help (or -h, which every command takes) prints the
  // usage and `more_help` (exit code 0). Returns the exit code when the command should stop
  // here.
  [[nodiscard]] std::optional<int> parse_command_line(int argc, char** argv, std::string_view synopsis,
                                                      std::string_view more_help = {});
  // Prints "tickwire COMMAND: message" and a line pointing to --help; returns the usage exit
  // code (2).
  int usage_error(std::string_view message, std::string_view synopsis) const;
  [[nodiscard]] const std::string& command() const noexcept { return command_; }

  // Numbers with a clear error: "--rate: expected a non-negative integer, got 'x'".
  [[nodiscard]] bool uint_value(std::string_view name, std::uint64_t& out);
  // Same for a number > 0 (decimals allowed).
  [[nodiscard]] bool positive_value(std::string_view name, double& out);

 private:
  const OptionSpec* find(std::string_view name) const;

  std::string command_;
  std::vector<OptionSpec> specs_;
  std::map<std::string, std::vector<std::string>, std::less<>> given_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace tickwire::cli
