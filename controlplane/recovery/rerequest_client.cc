#include "controlplane/recovery/rerequest_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tickwire::recovery {

std::unique_ptr<RerequestClient> RerequestClient::open(const net::UdpEndpoint& server, std::string& error) {
  std::unique_ptr<RerequestClient> c(new RerequestClient());
  c->fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (c->fd_ < 0) {
    error = std::string("re-request socket: ") + std::strerror(errno);
    return nullptr;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(server.port);
  to.sin_addr.s_addr = htonl(server.address);
  // Connected: send() needs no address, and only the server's answers are received.
  if (::connect(c->fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    error = std::string("re-request server: ") + std::strerror(errno);
    return nullptr;
  }
  return c;
}

RerequestClient::~RerequestClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RerequestClient::request(const feed::SessionId& session, std::uint64_t first, std::uint16_t count) noexcept {
  feed::MoldUdp64Header r{};
  std::memcpy(r.session.chars, session.text().data(), sizeof r.session.chars);
  r.sequence_number.set(first);
  r.message_count.set(count);
  return ::send(fd_, &r, sizeof r, 0) == static_cast<ssize_t>(sizeof r);
}

std::size_t RerequestClient::receive(std::uint8_t* buffer, std::size_t size, int timeout_ms) noexcept {
  // Without a wait, one system call: the live RX loop asks on every poll while a hole is open.
  if (timeout_ms > 0) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return 0;
  }
  const ssize_t n = ::recv(fd_, buffer, size, timeout_ms > 0 ? 0 : MSG_DONTWAIT);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace tickwire::recovery
