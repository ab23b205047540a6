// DPDK ethdev ports: whatever EAL was given (a real NIC, net_pcap for replay, net_af_packet
// on a kernel interface, net_ring in tests), configured for one RX queue polled in place.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct rte_mbuf;
struct rte_mempool;

namespace tickwire::drivers {

// EAL lives once per process: init() parses the arguments as DPDK's own tools do
// (whitespace-separated), cleanup() releases hugepages and devices at exit.
class Eal {
 public:
  [[nodiscard]] static bool init(std::string_view arguments, std::string& error);
  [[nodiscard]] static bool initialized() noexcept;
  static void cleanup() noexcept;
  // Every port EAL probed, in port-id order.
  [[nodiscard]] static std::vector<std::uint16_t> ports();
  [[nodiscard]] static std::string port_name(std::uint16_t port_id);
  [[nodiscard]] static std::uint64_t tsc_hz() noexcept;
};

// A thread EAL did not start that polls ports (the RX thread of a session) is registered as
// an lcore while this lives: it gets an lcore id, and with it the mempools' per-lcore caches,
// so receiving a burst does not take every mbuf from the shared pool.
class EalThread {
 public:
  EalThread() noexcept;
  ~EalThread();
  EalThread(const EalThread&) = delete;
  EalThread& operator=(const EalThread&) = delete;

 private:
  bool registered_ = false;
};

struct PortConfig {
  std::uint16_t rx_descriptors = 1024;
  std::uint32_t mbufs = 8191;  // per port; a power of two minus one suits the mempool
  std::uint32_t mbuf_cache = 256;
  bool promiscuous = true;     // multicast feeds arrive to group MACs
};

struct PortCounters {
  std::uint64_t received = 0;   // ipackets
  std::uint64_t bytes = 0;      // ibytes
  std::uint64_t missed = 0;     // imissed: the NIC had no descriptor free
  std::uint64_t errors = 0;     // ierrors
  std::uint64_t no_mbuf = 0;    // rx_nombuf: the mempool was empty
};

class DpdkPort {
 public:
  static std::unique_ptr<DpdkPort> open(std::uint16_t port_id, const PortConfig& config, std::string& error);
  ~DpdkPort();
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  [[nodiscard]] std::uint16_t rx_burst(rte_mbuf** mbufs, std::uint16_t n) noexcept;
  [[nodiscard]] std::uint16_t id() const noexcept { return port_id_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] PortCounters counters() const noexcept;

 private:
  DpdkPort() = default;
  std::uint16_t port_id_ = 0;
  std::string name_;
  rte_mempool* pool_ = nullptr;
  bool started_ = false;
};

}  // namespace tickwire::drivers
