// Which UDP datagrams belong to the feed: destination (group, port) pairs, 0 = any.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tickwire::net {

struct UdpEndpoint {
  std::uint32_t address = 0;  // host byte order; 0 = any address
  std::uint16_t port = 0;     // 0 = any port
  friend bool operator==(const UdpEndpoint&, const UdpEndpoint&) = default;
};

class UdpFilter {
 public:
  static constexpr std::size_t kMaxEndpoints = 16;

  // An empty filter accepts every datagram.
  [[nodiscard]] bool add(UdpEndpoint e) noexcept {
    if (count_ == kMaxEndpoints) return false;
    endpoints_[count_++] = e;
    return true;
  }
  [[nodiscard]] bool accepts(std::uint32_t address, std::uint16_t port) const noexcept {
    if (count_ == 0) return true;
    for (std::size_t i = 0; i < count_; ++i) {
      const UdpEndpoint& e = endpoints_[i];
      if ((e.address == 0 || e.address == address) && (e.port == 0 || e.port == port)) return true;
    }
    return false;
  }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }

 private:
  std::array<UdpEndpoint, kMaxEndpoints> endpoints_{};
  std::size_t count_ = 0;
};

// Parses "A.B.C.D:PORT", "A.B.C.D" or ":PORT" (also "*" for either part).
[[nodiscard]] std::optional<UdpEndpoint> parse_endpoint(std::string_view text) noexcept;

}  // namespace tickwire::net
