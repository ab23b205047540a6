// The control channel of a running session: a Unix stream socket on which `tickwire ctl`
// sends one command line and reads the reply. The control-plane thread serves it between
// its other duties, without ever blocking: connections are read as bytes arrive, each
// answered once its line is complete, and a client that dawdles only holds its own slot.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tickwire::runtime {

class ControlServer {
 public:
  static constexpr std::size_t kMaxClients = 8;
  static constexpr std::size_t kMaxLine = 4096;

  // Listens on `path`. A socket file left by a process that is gone is replaced; one that
  // answers belongs to a running session, and is an error.
  [[nodiscard]] static std::unique_ptr<ControlServer> open(const std::string& path, std::string& error);
  ~ControlServer();  // closes everything and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Accepts, reads, and answers every complete command line with `handle(line)`. Returns
  // the number of commands answered.
  std::size_t serve(const std::function<std::string(const std::string&)>& handle);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  struct Client {
    int fd;
    std::string line;
  };
  ControlServer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
  std::vector<Client> clients_;
};

// The client side: sends `command`, returns the reply (empty with `error` set on failure).
[[nodiscard]] std::string send_control_command(const std::string& path, const std::string& command,
                                               int timeout_ms, std::string& error);

}  // namespace tickwire::runtime
