#include "controlplane/cli/bench_command.h"

#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/bench/book_bench.h"
#include "controlplane/bench/pipeline_bench.h"
#include "controlplane/bench/platform_jitter.h"
#include "controlplane/cli/arg_parser.h"

namespace tickwire::cli {
namespace {

constexpr std::string_view kSynopsis =
    "book|pipeline [options] [INPUT]   (INPUT: a BinaryFILE; default: a generated day)\n"
    "       tickwire bench jitter [--seconds N] [--cpu N]";
constexpr std::string_view kMoreHelp =
    "\nbook:      decode + book + event emission, the RX core's floor (best of --repeat runs)\n"
    "pipeline:  first the latency of a cache line from CPU 0 to CPU 1 (every record handed to\n"
    "           a worker pays it); decode + book alone, inline with the detector, and with one\n"
    "           worker thread (--repeat runs of each, interleaved, medians compared);\n"
    "           then paced at each --rates value (latency from intended arrival), then critical\n"
    "           latency while low-class work costs twice what the worker can do, with each\n"
    "           core's platform jitter (below) as the floor under those latencies\n"
    "jitter:    a core that only reads the clock: how often and how long the platform\n"
    "           (interrupts, scheduler, hypervisor) takes it away; no latency measured on it\n"
    "           can be better\n"
    "Run on a quiet machine; the pipeline pins to CPUs 0 and 1.\n";

bool parse_rates(const std::string& text, std::vector<std::uint64_t>& rates) {
  rates.clear();
  if (text == "none") return true;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    if (item.empty() || item.size() > 12 || item.find_first_not_of("0123456789") != std::string::npos) return false;
    rates.push_back(std::stoull(item));
    if (rates.back() == 0) return false;
    at = comma + 1;
  }
  return !rates.empty();
}

int run_jitter(ArgParser& args) {
  if (args.positional().size() != 1) return args.usage_error("jitter takes no INPUT", kSynopsis);
  for (const char* other : {"messages", "live-orders", "seed", "repeat", "no-prefetch", "max-orders", "paced-messages",
                            "rates"}) {
    if (args.has(other)) return args.usage_error(std::string("--") + other + " is not an option of jitter", kSynopsis);
  }
  std::uint64_t seconds = 5;
  if (!args.uint_value("seconds", seconds)) return args.usage_error(args.error(), kSynopsis);
  if (seconds == 0 || seconds > 3600) return args.usage_error("--seconds: expected 1 to 3600", kSynopsis);
  int cpu = 0;
  if (const auto text = args.value("cpu")) {
    char* end = nullptr;
    const long value = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || value < -1 || value >= CPU_SETSIZE) {
      return args.usage_error("--cpu: expected a CPU number, or -1", kSynopsis);
    }
    cpu = static_cast<int>(value);
  }
  if (cpu >= 0 && !bench::pin_to_cpu(cpu)) {
    std::fprintf(stderr, "tickwire bench: cannot run on CPU %d (not present, or not allowed to this process)\n", cpu);
    return 2;
  }
  const auto clock = metrics::TscClock::calibrate();
  bench::print_jitter(stdout, "platform", bench::measure_platform_jitter(clock, seconds * 1'000'000'000));
  return 0;
}

}  // namespace

int run_bench_command(int argc, char** argv) {
  ArgParser args("bench", {
                              {"messages", true, "messages of the generated day (default 10000000)"},
                              {"live-orders", true, "live orders the generated day peaks at (default 1200000)"},
                              {"seed", true, "seed of the generated day (default 1)"},
                              {"repeat", true,
                               "book: runs, the best reported; pipeline: unpaced runs per mode, medians compared "
                               "(default 3)"},
                              {"no-prefetch", false, "book, pipeline: without the prefetch pipeline, to see what it buys"},
                              {"max-orders", true, "book: live orders the books can hold (default 4000000)"},
                              {"paced-messages", true, "pipeline: messages per paced run (default 2000000)"},
                              {"seconds", true, "jitter: how long to spin (default 5)"},
                              {"cpu", true, "jitter: the CPU to spin on (default 0; -1: wherever the scheduler puts it)"},
                              {"rates", true, "pipeline: paced rates in messages/s, comma separated (default "
                                             "1000000,5000000; none: unpaced runs only)"},
                          });
  if (auto code = args.parse_command_line(argc, argv, kSynopsis, kMoreHelp)) return *code;
  if (args.positional().empty() || args.positional().size() > 2) {
    return args.usage_error("expected book or pipeline, then at most one INPUT", kSynopsis);
  }
  const std::string& what = args.positional()[0];
  if (what == "jitter") return run_jitter(args);
  if (what != "book" && what != "pipeline") return args.usage_error("unknown benchmark '" + what + "'", kSynopsis);
  if (args.has("seconds") || args.has("cpu")) return args.usage_error("--seconds and --cpu are for jitter", kSynopsis);
  bench::BenchStreamOptions stream_options;
  if (args.positional().size() == 2) stream_options.input = args.positional()[1];
  bench::BookBenchOptions book_options;
  bench::PipelineBenchOptions pipeline_options;
  std::uint64_t repeat = book_options.repeat;
  std::uint64_t max_orders = book_options.max_orders;
  if (!args.uint_value("messages", stream_options.messages) || !args.uint_value("live-orders", stream_options.live_orders) ||
      !args.uint_value("seed", stream_options.seed) || !args.uint_value("repeat", repeat) ||
      !args.uint_value("max-orders", max_orders) || !args.uint_value("paced-messages", pipeline_options.paced_messages)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (stream_options.messages == 0 || repeat == 0 || repeat > 100 || max_orders == 0 ||
      pipeline_options.paced_messages == 0) {
    return args.usage_error("--messages, --max-orders, --paced-messages and --repeat (at most 100) must be positive",
                            kSynopsis);
  }
  if (const auto rates = args.value("rates"); rates && !parse_rates(*rates, pipeline_options.rates)) {
    return args.usage_error("--rates: expected positive integers separated by commas, or none", kSynopsis);
  }
  book_options.repeat = static_cast<unsigned>(repeat);
  pipeline_options.repeat = static_cast<unsigned>(repeat);
  book_options.max_orders = max_orders;
  book_options.prefetch = !args.has("no-prefetch");
  pipeline_options.prefetch = book_options.prefetch;

  bench::BenchStream stream;
  std::string error;
  if (!bench::load_bench_stream(stream_options, stream, error)) {
    std::fprintf(stderr, "tickwire bench: %s\n", error.c_str());
    return 1;
  }
  if (what == "book") return bench::run_book_bench(stream, book_options, stdout) ? 0 : 1;
  return bench::run_pipeline_bench(stream, pipeline_options) ? 0 : 1;
}

}  // namespace tickwire::cli
