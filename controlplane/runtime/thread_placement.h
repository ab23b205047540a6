// Where the session's threads run: the CPUs of cpus.rx, cpus.workers and cpus.control,
// checked once at start-up against the CPUs this process may use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controlplane/config/app_config.h"

namespace tickwire::runtime {

struct Placement {
  std::optional<unsigned> rx;
  std::optional<unsigned> control;
  std::vector<std::optional<unsigned>> workers;  // one per worker; nullopt: not pinned
};

// The configured CPUs, each one this process may run on. False with `error` naming the key.
[[nodiscard]] bool place_threads(const config::AppConfig& config, Placement& placement, std::string& error);

// Pins the calling thread. The CPUs were checked against the process's allowed set at
// start-up, so this only fails if that set changed since; the thread then runs unpinned.
void pin_this_thread(std::optional<unsigned> cpu);

}  // namespace tickwire::runtime
