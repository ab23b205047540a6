#include "controlplane/cli/book_options.h"

namespace tickwire::cli {

std::vector<OptionSpec> book_build_option_specs() {
  return {
      {"at", true, "stop after the message with this sequence number"},
      {"max-orders", true, "live orders the books can hold (default 4000000)"},
      {"max-levels", true, "price levels the books can hold (default 1000000)"},
      {"max-instruments", true, "instruments (default 16384)"},
      {"reorder-window-us", true, "how long a sequence hole waits for its messages (default 2000)"},
      {"reorder-buffer", true, "packets held while a hole is open (default 1024)"},
  };
}

bool parse_book_build_options(ArgParser& args, session::BookBuildOptions& options, std::string& error) {
  std::uint64_t at = 0;
  std::uint64_t max_orders = options.config.max_orders;
  std::uint64_t max_levels = options.config.max_levels;
  std::uint64_t max_instruments = options.config.max_instruments;
  std::uint64_t window_us = options.sequencing.reorder_window_ns / 1000;
  std::uint64_t reorder_buffer = options.sequencing.buffered_packets;
  if (!args.uint_value("at", at) || !args.uint_value("max-orders", max_orders) ||
      !args.uint_value("max-levels", max_levels) || !args.uint_value("max-instruments", max_instruments) ||
      !args.uint_value("reorder-window-us", window_us) || !args.uint_value("reorder-buffer", reorder_buffer)) {
    error = args.error();
    return false;
  }
  if (reorder_buffer == 0 || reorder_buffer > 1'000'000) {
    error = "--reorder-buffer: expected 1 to 1000000 packets";
    return false;
  }
  options.at = args.has("at") ? std::optional<std::uint64_t>(at) : std::nullopt;
  options.sequencing.reorder_window_ns = window_us * 1000;
  options.sequencing.buffered_packets = static_cast<std::uint32_t>(reorder_buffer);
  options.config.max_orders = max_orders;
  options.config.max_levels = max_levels;
  options.config.max_instruments = max_instruments;
  return true;
}

}  // namespace tickwire::cli
