// The MoldUDP64 re-request channel: a kernel UDP socket on the control-plane side (as many
// handlers do: a DPDK-owned port answers no ARP), sending requests (session, sequence,
// count) to the exchange's request server and receiving its answers, which are ordinary
// MoldUDP64 packets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dataplane/feed/moldudp64.h"
#include "dataplane/net/udp_filter.h"

namespace tickwire::recovery {

class RerequestClient {
 public:
  static std::unique_ptr<RerequestClient> open(const net::UdpEndpoint& server, std::string& error);
  ~RerequestClient();
  RerequestClient(const RerequestClient&) = delete;
  RerequestClient& operator=(const RerequestClient&) = delete;

  [[nodiscard]] bool request(const feed::SessionId& session, std::uint64_t first, std::uint16_t count) noexcept;
  // One answer packet into `buffer`: its length, or 0 when none came within `timeout_ms`
  // (0: only one already there; never waits).
  [[nodiscard]] std::size_t receive(std::uint8_t* buffer, std::size_t size, int timeout_ms) noexcept;

 private:
  RerequestClient() = default;
  int fd_ = -1;
};

}  // namespace tickwire::recovery
