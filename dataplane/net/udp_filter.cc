#include "dataplane/net/udp_filter.h"

#include <charconv>

namespace tickwire::net {

namespace {

bool parse_uint(std::string_view s, std::uint32_t max, std::uint32_t& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size() && out <= max;
}

bool parse_ipv4(std::string_view s, std::uint32_t& out) {
  out = 0;
  for (int octet = 0; octet < 4; ++octet) {
    const std::size_t dot = octet < 3 ? s.find('.') : s.size();
    if (dot == std::string_view::npos) return false;
    std::uint32_t v = 0;
    if (!parse_uint(s.substr(0, dot), 255, v)) return false;
    out = (out << 8) | v;
    s.remove_prefix(octet < 3 ? dot + 1 : dot);
  }
  return s.empty();
}

}  // namespace

std::optional<UdpEndpoint> parse_endpoint(std::string_view text) noexcept {
  UdpEndpoint e;
  const std::size_t colon = text.rfind(':');
  const std::string_view host = text.substr(0, colon);
  if (colon != std::string_view::npos) {
    const std::string_view port = text.substr(colon + 1);
    std::uint32_t p = 0;
    if (port != "*" && !parse_uint(port, 65535, p)) return std::nullopt;
    e.port = static_cast<std::uint16_t>(p);
  }
  if (!host.empty() && host != "*" && !parse_ipv4(host, e.address)) return std::nullopt;
  if (host.empty() && colon == std::string_view::npos) return std::nullopt;
  return e;
}

}  // namespace tickwire::net
