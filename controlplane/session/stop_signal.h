// SIGINT/SIGTERM turn into a flag that poll loops read at a safe point.
#pragma once

#include <atomic>

namespace tickwire::session {

void install_stop_handlers() noexcept;
[[nodiscard]] bool stop_requested() noexcept;
// The signal that asked for the stop (0: none).
[[nodiscard]] int stop_signal_number() noexcept;

}  // namespace tickwire::session
