// `tickwire bench book|pipeline [options] [INPUT]`: the benchmarks, on an in-memory BinaryFILE
// (INPUT, or a generated NASDAQ-like day). Figures from a run by hand on a quiet machine,
// never from a test.
#pragma once

namespace tickwire::cli {

int run_bench_command(int argc, char** argv);

}  // namespace tickwire::cli
