#include "tests/bench/bench_streams.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "tests/support/test_support.h"

namespace tickwire::bench {

namespace {
std::uint64_t g_messages = 10'000'000;
std::uint64_t g_seed = 1;

bool take_flag(const char* arg, const char* name, std::uint64_t& out) {
  const std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  out = std::stoull(arg + n + 1);
  return true;
}

// PROVISIONAL until the scenario generator lands: a fixed NASDAQ-like type mix.
BenchStream build() {
  BenchStream s;
  const char mix[] = "AAAAAAAAADDDDDDDDDUUEXAFADDPAADDUDAADDUEDAADDADXAADDCADDADIA";
  std::uint64_t x = g_seed * 0x9E3779B97F4A7C15ull;
  s.bytes.reserve(g_messages * 34);
  for (std::uint64_t i = 0; i < g_messages; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    const char type = mix[x % (sizeof(mix) - 1)];
    test::Bytes m = test::itch_message(type, static_cast<std::uint16_t>(x >> 20), i);
    for (std::size_t k = 11; k < m.size(); ++k) m[k] = static_cast<std::uint8_t>(x >> (k % 56));
    test::put_be(s.bytes, m.size(), 2);
    s.bytes.insert(s.bytes.end(), m.begin(), m.end());
  }
  s.messages = g_messages;
  return s;
}
}  // namespace

void parse_stream_flags(int& argc, char** argv) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (take_flag(argv[i], "--messages", g_messages) || take_flag(argv[i], "--seed", g_seed)) continue;
    argv[out++] = argv[i];
  }
  argc = out;
}

const BenchStream& bench_stream() {
  static const BenchStream s = build();
  return s;
}

}  // namespace tickwire::bench
