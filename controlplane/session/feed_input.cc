#include "controlplane/session/feed_input.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string_view>
#include <thread>

#include "controlplane/runtime/meminfo.h"
#include "drivers/dpdk_rx.h"

namespace tickwire::session {

bool filter_from_config(const config::AppConfig& config, net::UdpFilter& filter, std::string& error) {
  filter = net::UdpFilter{};
  for (const std::string& f : config.filters) {
    const auto endpoint = net::parse_endpoint(f);
    if (!endpoint || !filter.add(*endpoint)) {
      error = "input.filter '" + f + "': expected GROUP:PORT (at most " +
              std::to_string(net::UdpFilter::kMaxEndpoints) + ")";
      return false;
    }
  }
  return true;
}

InputKind probe_input(const std::string& path, std::string& error) {
  auto stream = drivers::ByteStream::open(path, error);
  if (!stream) return InputKind::kUnusable;
  unsigned char head[8] = {0};
  const std::size_t n = stream->read(head, sizeof head);
  if (drivers::looks_like_capture(head, n)) return InputKind::kCapture;
  if (drivers::looks_like_binary_file(head, n)) return InputKind::kBinaryFile;
  if (n == 0) {
    error = path + ": empty" + (stream->failed() ? " or unreadable (" + stream->failure() + ")" : std::string());
  } else {
    error = path + ": not a pcap, pcapng or NASDAQ BinaryFILE (plain or gzip)";
  }
  return InputKind::kUnusable;
}

namespace {
struct FrameSinkDecoder {
  FrameSink& sink;
  void on_frame(const std::uint8_t* data, std::uint32_t length, net::LinkType, std::uint64_t t) {
    sink.on_frame(data, length, t);
  }
  void begin_look_ahead() { sink.begin_look_ahead(); }
  void look_ahead(const std::uint8_t* data, std::uint32_t length, net::LinkType) { sink.look_ahead(data, length); }
  void end_look_ahead() { sink.end_look_ahead(); }
};
}  // namespace

bool hugetlbfs_mounted() {
  std::FILE* f = std::fopen("/proc/mounts", "r");
  if (f == nullptr) return false;
  char device[256], mount_point[256], type[64];
  bool found = false;
  while (!found && std::fscanf(f, "%255s %255s %63s%*[^\n]", device, mount_point, type) == 3) {
    found = std::string_view(type) == "hugetlbfs";
  }
  std::fclose(f);
  return found;
}

// Hugepages EAL can use: reserved, free, and mounted (reserved pages without a hugetlbfs
// mount make EAL fail outright).
std::uint64_t usable_hugepages() {
  return hugetlbfs_mounted() ? runtime::meminfo_field("HugePages_Free:") : 0;
}

// EAL wants hugepages unless told --no-huge. A machine without free ones (a laptop, CI, a VM)
// still runs, with more TLB misses, and is told so.
std::string eal_arguments(const std::string& given, std::FILE* err) {
  std::istringstream in(given);
  bool memory_given = false;
  for (std::string w; in >> w;) {
    if (w == "--no-huge" || w == "--in-memory") return given;
    if (w.rfind("-m", 0) == 0 || w.rfind("--socket-mem", 0) == 0) memory_given = true;
  }
  if (usable_hugepages() != 0) return given;
  std::fprintf(err, "tickwire: no usable hugepages (free and mounted): starting DPDK with --no-huge%s (for production reserve "
               "them, echo 1024 > /proc/sys/vm/nr_hugepages, and mount a hugetlbfs)\n", memory_given ? "" : " -m 512");
  return std::string("--no-huge ") + (memory_given ? "" : "-m 512 ") + given;
}

bool start_eal(const std::string& arguments, std::FILE* err) {
  std::string error;
  if (!drivers::Eal::init(eal_arguments(arguments, err), error)) {
    std::fprintf(err, "tickwire: %s\n", error.c_str());
    return false;
  }
  return true;
}

std::vector<std::unique_ptr<drivers::DpdkPort>> open_dpdk_ports(const std::string& eal,
                                                                const std::vector<std::string>& wanted,
                                                                std::FILE* err) {
  std::vector<std::unique_ptr<drivers::DpdkPort>> ports;
  std::string error;
  for (const std::uint16_t id : drivers::Eal::ports()) {
    // A port no session polls is not started.
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), drivers::Eal::port_name(id)) == wanted.end()) {
      continue;
    }
    auto port = drivers::DpdkPort::open(id, drivers::PortConfig{}, error);
    if (!port) {
      std::fprintf(err, "tickwire: %s\n", error.c_str());
      return {};
    }
    ports.push_back(std::move(port));
  }
  for (const std::string& name : wanted) {
    if (std::none_of(ports.begin(), ports.end(), [&](const auto& p) { return p->name() == name; })) {
      std::string have;
      for (const std::uint16_t id : drivers::Eal::ports()) have += " " + drivers::Eal::port_name(id);
      std::fprintf(err, "tickwire: input.ports: no DPDK port %s (EAL created:%s)\n", name.c_str(),
                   have.empty() ? " none" : have.c_str());
      return {};
    }
  }
  if (ports.empty()) {
    std::fprintf(err, "tickwire: EAL arguments \"%s\" created no port (add e.g. --vdev=net_pcap0,rx_pcap=FILE)\n",
                 eal.c_str());
  }
  return ports;
}

namespace {

// The RX loop over `ports`, until the sink is done or the ports fall idle for idle_exit_ms.
void poll_ports(const FeedInputOptions& options, const std::vector<drivers::DpdkPort*>& ports, FrameSink& sink,
                metrics::FeedCounters& counters, FeedRunResult& result, std::FILE* err) {
  const drivers::EalThread lcore;
  std::string names;
  for (const auto& port : ports) names += (names.empty() ? "" : ", ") + port->name();
  std::fprintf(err, "%s: receiving on %zu DPDK port%s: %s\n", options.who.c_str(), ports.size(),
               ports.size() == 1 ? "" : "s", names.c_str());
  std::fflush(err);
  const std::uint64_t hz = drivers::Eal::tsc_hz();
  const std::uint64_t idle_exit_cycles = options.idle_exit_ms * (hz / 1000);
  std::uint64_t last_packet = rte_rdtsc();
  std::uint64_t first_packet = 0;
  std::uint64_t last_burst_end = 0;
  FrameSinkDecoder decoder{sink};
  while (!sink.done()) {
    const std::uint64_t now = rte_rdtsc();
    // TSC to ns without overflow for any realistic uptime: split seconds and remainder.
    const std::uint64_t now_ns = options.clock ? options.clock->to_ns(now)
                                               : now / hz * 1'000'000'000ull + now % hz * 1'000'000'000ull / hz;
    std::uint32_t received = 0;
    for (auto& port : ports) received += drivers::receive_burst(*port, decoder, counters, now_ns);
    if (received != 0) {
      sink.end_of_burst();
      if (options.progress != nullptr) options.progress->messages.store(counters.messages, std::memory_order_relaxed);
      last_packet = now;
      const std::uint64_t done = rte_rdtsc();
      result.rx_busy_cycles += done - now;
      if (result.rx_packets == 0) first_packet = now;
      result.rx_packets += received;
      last_burst_end = done;
    } else {
      sink.idle(now_ns);
      result.rx_idle_cycles += rte_rdtsc() - now;
    }
    if (received == 0 && idle_exit_cycles != 0 && now - last_packet > idle_exit_cycles) break;
  }
  if (result.rx_packets != 0) {
    const std::uint64_t span = last_burst_end - first_packet;
    result.rx_active_ns = span / hz * 1'000'000'000ull + span % hz * 1'000'000'000ull / hz;
  }
  for (drivers::DpdkPort* port : ports) result.ports.emplace_back(port->name(), port->counters());
}

}  // namespace

bool read_dpdk_ports(const FeedInputOptions& options, FrameSink& sink, metrics::FeedCounters& counters,
                     FeedRunResult& result, std::FILE* err) {
  const bool own_eal = options.opened_ports.empty();
  std::vector<std::unique_ptr<drivers::DpdkPort>> owned;
  std::vector<drivers::DpdkPort*> ports = options.opened_ports;
  if (own_eal) {
    if (!start_eal(options.eal, err)) return false;
    owned = open_dpdk_ports(options.eal, options.ports, err);
    if (owned.empty()) {
      drivers::Eal::cleanup();
      return false;
    }
    for (const auto& p : owned) ports.push_back(p.get());
  }
  poll_ports(options, ports, sink, counters, result, err);
  if (own_eal) {
    owned.clear();
    drivers::Eal::cleanup();
  }
  return true;
}

}  // namespace tickwire::session
