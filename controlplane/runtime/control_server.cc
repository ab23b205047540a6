#include "controlplane/runtime/control_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tickwire::runtime {

namespace {

bool make_address(const std::string& path, sockaddr_un& address, std::string& error) {
  address = {};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    error = "control socket path '" + path + "': empty or longer than " +
            std::to_string(sizeof address.sun_path - 1) + " bytes";
    return false;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return true;
}

int connect_to(const sockaddr_un& address) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void write_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n = send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away: nothing to tell it
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::unique_ptr<ControlServer> ControlServer::open(const std::string& path, std::string& error) {
  sockaddr_un address;
  if (!make_address(path, address, error)) return nullptr;
  if (access(path.c_str(), F_OK) == 0) {
    const int probe = connect_to(address);
    if (probe >= 0) {
      close(probe);
      error = "control socket " + path + " is in use by a running session (set control.socket to another path)";
      return nullptr;
    }
    unlink(path.c_str());  // left by a session that is gone
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || listen(fd, 8) != 0) {
    error = "control socket " + path + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return nullptr;
  }
  return std::unique_ptr<ControlServer>(new ControlServer(fd, path));
}

ControlServer::~ControlServer() {
  for (const Client& c : clients_) close(c.fd);
  close(fd_);
  unlink(path_.c_str());
}

std::size_t ControlServer::serve(const std::function<std::string(const std::string&)>& handle) {
  while (clients_.size() < kMaxClients) {
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    clients_.push_back({fd, {}});
  }
  std::size_t answered = 0;
  for (std::size_t i = 0; i < clients_.size();) {
    Client& c = clients_[i];
    char buffer[512];
    bool done = false;
    for (;;) {
      const ssize_t n = recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.line.append(buffer, static_cast<std::size_t>(n));
        if (c.line.find('\n') != std::string::npos || c.line.size() > kMaxLine) break;
        continue;
      }
      done = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);  // closed (a line without '\n') or failed
      break;
    }
    const std::size_t end = c.line.find('\n');
    if (end != std::string::npos || done || c.line.size() > kMaxLine) {
      if (c.line.size() > kMaxLine) {
        write_all(c.fd, "error: command longer than " + std::to_string(kMaxLine) + " bytes\n");
      } else if (!c.line.empty()) {
        std::string command = c.line.substr(0, end);
        if (!command.empty() && command.back() == '\r') command.pop_back();
        std::string reply = handle(command);
        if (reply.empty() || reply.back() != '\n') reply.push_back('\n');
        write_all(c.fd, reply);
        ++answered;
      }
      close(c.fd);
      clients_.erase(clients_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  return answered;
}

std::string send_control_command(const std::string& path, const std::string& command, int timeout_ms,
                                 std::string& error) {
  sockaddr_un address;
  if (!make_address(path, address, error)) return {};
  const int fd = connect_to(address);
  if (fd < 0) {
    error = "cannot reach a session at " + path + ": " + std::strerror(errno) + " (is tickwire running with "
            "control.socket set to this path?)";
    return {};
  }
  write_all(fd, command + "\n");
  std::string reply;
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, timeout_ms) == 1) {
    char buffer[4096];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  if (reply.empty()) error = "no answer from " + path + " within " + std::to_string(timeout_ms) + " ms";
  return reply;
}

}  // namespace tickwire::runtime
