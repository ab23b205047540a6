#include "drivers/dpdk_port.h"

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <pthread.h>
#include <sched.h>

#include <sstream>

namespace tickwire::drivers {

namespace {
bool g_eal_ready = false;
}  // namespace

bool Eal::init(std::string_view arguments, std::string& error) {
  if (g_eal_ready) return true;
  std::vector<std::string> words{"tickwire"};
  std::istringstream in{std::string(arguments)};
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  // EAL pins the thread that starts it to its main lcore's CPU, and every thread started
  // from it afterwards inherits that. Threads are placed by the cpus.* keys instead, so the
  // caller keeps the CPUs it had.
  cpu_set_t cpus;
  const bool had_cpus = pthread_getaffinity_np(pthread_self(), sizeof cpus, &cpus) == 0;
  const int rc = rte_eal_init(static_cast<int>(words.size()), argv.data());
  if (had_cpus) (void)pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
  if (rc < 0) {
    error = std::string("DPDK EAL initialisation failed: ") + rte_strerror(rte_errno) +
            " (arguments: \"" + std::string(arguments) + "\")";
    return false;
  }
  g_eal_ready = true;
  return true;
}

bool Eal::initialized() noexcept { return g_eal_ready; }

void Eal::cleanup() noexcept {
  if (!g_eal_ready) return;
  rte_eal_cleanup();
  g_eal_ready = false;
}

std::vector<std::uint16_t> Eal::ports() {
  std::vector<std::uint16_t> ids;
  std::uint16_t id;
  RTE_ETH_FOREACH_DEV(id) { ids.push_back(id); }
  return ids;
}

EalThread::EalThread() noexcept {
  // rte_thread_register() keeps the thread's CPUs; it fails only when every lcore id is taken,
  // and the thread then polls without the caches, as before.
  registered_ = rte_lcore_id() == LCORE_ID_ANY && rte_thread_register() == 0;
}

EalThread::~EalThread() {
  if (registered_) rte_thread_unregister();
}

std::string Eal::port_name(std::uint16_t port_id) {
  char name[RTE_ETH_NAME_MAX_LEN] = {0};
  if (rte_eth_dev_is_valid_port(port_id) == 0 || rte_eth_dev_get_name_by_port(port_id, name) != 0) return {};
  return name;
}

std::uint64_t Eal::tsc_hz() noexcept { return rte_get_tsc_hz(); }

std::unique_ptr<DpdkPort> DpdkPort::open(std::uint16_t port_id, const PortConfig& config, std::string& error) {
  // DPDK 22.11's ethdev getters dereference an unused port's data: check first.
  if (rte_eth_dev_is_valid_port(port_id) == 0) {
    error = "port " + std::to_string(port_id) + ": no such DPDK port";
    return nullptr;
  }
  std::unique_ptr<DpdkPort> p(new DpdkPort());
  p->port_id_ = port_id;
  char name[RTE_ETH_NAME_MAX_LEN] = {0};
  rte_eth_dev_get_name_by_port(port_id, name);
  p->name_ = name;
  auto fail = [&](const char* what, int rc) {
    error = "port " + std::to_string(port_id) + " (" + p->name_ + "): " + what + ": " + rte_strerror(-rc);
    return nullptr;
  };

  const int socket = rte_eth_dev_socket_id(port_id);
  const std::string pool_name = "tw_rx_" + std::to_string(port_id);
  p->pool_ = rte_pktmbuf_pool_create(pool_name.c_str(), config.mbufs, config.mbuf_cache, 0,
                                     RTE_MBUF_DEFAULT_BUF_SIZE, socket < 0 ? SOCKET_ID_ANY : socket);
  if (p->pool_ == nullptr) return fail("cannot create mbuf pool", -rte_errno);

  rte_eth_conf conf{};
  int rc = rte_eth_dev_configure(port_id, 1, 1, &conf);
  if (rc < 0) return fail("configure", rc);
  std::uint16_t rx_desc = config.rx_descriptors;
  std::uint16_t tx_desc = 64;
  rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &rx_desc, &tx_desc);
  if (rc < 0) return fail("descriptor counts", rc);
  rc = rte_eth_rx_queue_setup(port_id, 0, rx_desc, static_cast<unsigned>(socket < 0 ? SOCKET_ID_ANY : socket),
                              nullptr, p->pool_);
  if (rc < 0) return fail("RX queue setup", rc);
  // A TX queue too: some PMDs refuse to start without one, and recovery will send on it.
  rc = rte_eth_tx_queue_setup(port_id, 0, tx_desc, static_cast<unsigned>(socket < 0 ? SOCKET_ID_ANY : socket),
                              nullptr);
  if (rc < 0) return fail("TX queue setup", rc);
  rc = rte_eth_dev_start(port_id);
  if (rc < 0) return fail("start", rc);
  p->started_ = true;
  if (config.promiscuous) {
    // Not every PMD has the notion (net_pcap, net_ring): ignore "not supported".
    (void)rte_eth_promiscuous_enable(port_id);
    (void)rte_eth_allmulticast_enable(port_id);
  }
  rte_eth_stats_reset(port_id);
  return p;
}

DpdkPort::~DpdkPort() {
  if (started_) {
    rte_eth_dev_stop(port_id_);
    rte_eth_dev_close(port_id_);
  }
  if (pool_ != nullptr) rte_mempool_free(pool_);
}

std::uint16_t DpdkPort::rx_burst(rte_mbuf** mbufs, std::uint16_t n) noexcept {
  return rte_eth_rx_burst(port_id_, 0, mbufs, n);
}

PortCounters DpdkPort::counters() const noexcept {
  rte_eth_stats s{};
  rte_eth_stats_get(port_id_, &s);
  return PortCounters{s.ipackets, s.ibytes, s.imissed, s.ierrors, s.rx_nombuf};
}

}  // namespace tickwire::drivers
