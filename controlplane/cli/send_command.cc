#include "controlplane/cli/send_command.h"

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/session/stop_signal.h"
#include "drivers/capture_file_reader.h"

namespace tickwire::cli {

namespace {
constexpr std::string_view kSynopsis = "--iface NAME [--rate-pps N] CAPTURE...   (Ethernet captures)";
}

int run_send_command(int argc, char** argv) {
  ArgParser args("send", {
                             {"iface", true, "interface to send on (a raw socket: root)"},
                             {"rate-pps", true, "packets per second (default 0: as fast as the kernel takes them)"},
                             {"help", false, "this text"},
                         });
  if (auto code = args.parse_command_line(argc, argv, kSynopsis)) return *code;
  std::uint64_t rate = 0;
  if (!args.uint_value("rate-pps", rate)) return args.usage_error(args.error(), kSynopsis);
  const auto iface = args.value("iface");
  if (!iface || args.positional().empty()) return args.usage_error("give --iface and a CAPTURE", kSynopsis);
  const unsigned index = if_nametoindex(iface->c_str());
  if (index == 0) {
    std::fprintf(stderr, "tickwire send: no interface %s\n", iface->c_str());
    return 1;
  }
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("tickwire send: raw socket (needs root)");
    return 1;
  }
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = static_cast<int>(index);
  to.sll_halen = ETH_ALEN;

  session::install_stop_handlers();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;
  for (const std::string& path : args.positional()) {
    std::string error;
    auto reader = drivers::CaptureFileReader::open(path, error);
    if (!reader || reader->link_type() != net::LinkType::kEthernet) {
      std::fprintf(stderr, "tickwire send: %s\n", reader ? (path + ": not an Ethernet capture").c_str() : error.c_str());
      ::close(fd);
      return 1;
    }
    drivers::Frame f;
    while (!session::stop_requested() && reader->next(f) == drivers::ReadStatus::kFrame) {
      if (rate != 0) {
        std::this_thread::sleep_until(start + std::chrono::nanoseconds(sent * 1'000'000'000ull / rate));
      }
      std::memcpy(to.sll_addr, f.data, ETH_ALEN);
      if (::sendto(fd, f.data, f.captured_length, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
        ++failed;
      } else {
        ++sent;
      }
    }
  }
  ::close(fd);
  std::printf("sent %llu failed %llu\n", static_cast<unsigned long long>(sent), static_cast<unsigned long long>(failed));
  return failed == 0 ? 0 : 1;
}

}  // namespace tickwire::cli
