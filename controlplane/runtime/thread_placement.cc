#include "controlplane/runtime/thread_placement.h"

#include <pthread.h>
#include <sched.h>

namespace tickwire::runtime {

void pin_this_thread(std::optional<unsigned> cpu) {
  if (!cpu) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(*cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

bool place_threads(const config::AppConfig& config, Placement& placement, std::string& error) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) CPU_ZERO(&allowed);
  auto check = [&](const char* key, const std::string& text, std::vector<unsigned>& cpus) {
    cpus.clear();
    if (text.empty()) return true;
    (void)config::parse_cpu_list(text, cpus);  // validate() has checked the form
    for (const unsigned c : cpus) {
      if (c >= CPU_SETSIZE || !CPU_ISSET(c, &allowed)) {
        error = std::string(key) + ": CPU " + std::to_string(c) + " is not one this process may run on";
        return false;
      }
    }
    return true;
  };
  std::vector<unsigned> cpus;
  if (!check("cpus.rx", config.rx_cpu, cpus)) return false;
  if (!cpus.empty()) placement.rx = cpus.front();
  if (!check("cpus.control", config.control_cpu, cpus)) return false;
  if (!cpus.empty()) placement.control = cpus.front();
  if (!check("cpus.workers", config.worker_cpus, cpus)) return false;
  placement.workers.assign(config.workers, std::nullopt);
  for (std::size_t i = 0; i < cpus.size() && i < placement.workers.size(); ++i) placement.workers[i] = cpus[i];
  return true;
}

}  // namespace tickwire::runtime
