#include "controlplane/cli/arg_parser.h"

#include <charconv>
#include <cstdio>
#include <cstdint>

namespace tickwire::cli {

ArgParser::ArgParser(std::string_view command, std::vector<OptionSpec> specs)
    : command_(command), specs_(std::move(specs)) {
  // Every command answers --help, whether or not it lists it.
  if (find("help") == nullptr) specs_.push_back({"help", false, "this text"});
}

const OptionSpec* ArgParser::find(std::string_view name) const {
  for (const OptionSpec& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool ArgParser::parse(int argc, char** argv) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i] == std::string_view("-h") ? std::string_view("--help") : argv[i];
    if (options_done || arg.size() < 2 || arg.substr(0, 2) != "--") {
      positional_.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (const std::size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = find(name);
    if (spec == nullptr) {
      error_ = "unknown option --" + std::string(name);
      return false;
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        error_ = "--" + std::string(name) + " needs a value";
        return false;
      }
    } else if (inline_value) {
      error_ = "--" + std::string(name) + " takes no value";
      return false;
    }
    given_[std::string(name)].push_back(std::move(value));
  }
  return true;
}

std::optional<int> ArgParser::parse_command_line(int argc, char** argv, std::string_view synopsis,
                                                std::string_view more_help) {
  if (!parse(argc, argv)) return usage_error(error_, synopsis);
  if (has("help")) {
    std::fputs(usage(synopsis).c_str(), stdout);
    if (!more_help.empty()) std::fwrite(more_help.data(), 1, more_help.size(), stdout);
    return 0;
  }
  return std::nullopt;
}

int ArgParser::usage_error(std::string_view message, std::string_view /*synopsis*/) const {
  // The error and where to look, not the whole usage: the one line that matters stays in view.
  std::fprintf(stderr, "tickwire %s: %.*s\n(tickwire %s --help for the options)\n", command_.c_str(),
               static_cast<int>(message.size()), message.data(), command_.c_str());
  return 2;
}

bool ArgParser::has(std::string_view name) const { return given_.find(name) != given_.end(); }

std::optional<std::string> ArgParser::value(std::string_view name) const {
  const auto it = given_.find(name);
  if (it == given_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ArgParser::values(std::string_view name) const {
  const auto it = given_.find(name);
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}

bool ArgParser::uint_value(std::string_view name, std::uint64_t& out) {
  const std::optional<std::string> v = value(name);
  if (!v) return true;
  const char* end = v->data() + v->size();
  const auto [ptr, ec] = std::from_chars(v->data(), end, out);
  if (v->empty() || ec != std::errc{} || ptr != end) {
    error_ = "--" + std::string(name) + ": expected a non-negative integer, got '" + *v + "'";
    return false;
  }
  return true;
}

bool ArgParser::positive_value(std::string_view name, double& out) {
  const std::optional<std::string> v = value(name);
  if (!v) return true;
  const char* end = v->data() + v->size();
  double parsed = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
  if (v->empty() || ec != std::errc{} || ptr != end || !(parsed > 0) || parsed > 1e9) {
    error_ = "--" + std::string(name) + ": expected a positive number, got '" + *v + "'";
    return false;
  }
  out = parsed;
  return true;
}

std::string ArgParser::usage(std::string_view synopsis) const {
  std::string u = "usage: tickwire " + command_ + " " + std::string(synopsis) + "\n";
  for (const OptionSpec& s : specs_) {
    std::string left = "  --" + std::string(s.name) + (s.takes_value ? " VALUE" : "");
    if (left.size() < 28) left.resize(28, ' ');
    u += left + std::string(s.help) + "\n";
  }
  return u;
}

}  // namespace tickwire::cli
