#include "controlplane/session/stop_signal.h"

#include <unistd.h>

#include <csignal>

namespace tickwire::session {

namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "set from a signal handler");
// The first signal asks for a clean stop (final statistics, journal flushed); a second one
// means the user will not wait for that, as with most long-running tools.
extern "C" void on_stop_signal(int signal_number) {
  g_signal.store(signal_number, std::memory_order_relaxed);
  if (g_stop.exchange(true, std::memory_order_relaxed)) _exit(128 + signal_number);
}
}  // namespace

void install_stop_handlers() noexcept {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() noexcept { return g_stop.load(std::memory_order_relaxed); }

int stop_signal_number() noexcept { return g_signal.load(std::memory_order_relaxed); }

}  // namespace tickwire::session
