#include "controlplane/cli/rerequest_server_command.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/session/stop_signal.h"
#include "dataplane/feed/moldudp64.h"
#include "dataplane/net/udp_filter.h"
#include "dataplane/net/udp_frame.h"
#include "drivers/capture_file_reader.h"

namespace tickwire::cli {

namespace {

constexpr std::string_view kSynopsis = "[options] CAPTURE...   (pcap or pcapng with the session's messages)";
constexpr std::size_t kMaxAnswerPayload = 1400;

using Messages = std::map<std::uint64_t, std::vector<std::uint8_t>>;  // sequence -> message

// Every message of every MoldUDP64 session in the captures, by sequence number.
bool load(const std::vector<std::string>& paths, std::map<std::string, Messages>& sessions) {
  for (const std::string& path : paths) {
    std::string error;
    auto reader = drivers::CaptureFileReader::open(path, error);
    if (!reader) {
      std::fprintf(stderr, "tickwire rerequest-server: %s\n", error.c_str());
      return false;
    }
    drivers::Frame f;
    while (reader->next(f) == drivers::ReadStatus::kFrame) {
      const net::FrameResult r = net::parse_udp_frame(f.data, f.captured_length, f.link);
      if (r.drop || r.datagram.payload_length < sizeof(feed::MoldUdp64Header)) continue;
      const auto& h = wire::view_as<feed::MoldUdp64Header>(r.datagram.payload);
      const std::uint16_t count = h.message_count.value();
      if (count == feed::MoldUdp64Header::kHeartbeat || count == feed::MoldUdp64Header::kEndOfSession) continue;
      Messages& m = sessions[std::string(h.session.raw())];
      feed::MoldBlockCursor cursor{r.datagram.payload + sizeof h, r.datagram.payload + r.datagram.payload_length};
      const std::uint8_t* message;
      std::size_t length;
      for (std::uint64_t q = h.sequence_number.value(); q < h.sequence_number.value() + count; ++q) {
        if (!cursor.advance(message, length)) break;
        m.emplace(q, std::vector<std::uint8_t>(message, message + length));
      }
    }
  }
  return true;
}

}  // namespace

int run_rerequest_server_command(int argc, char** argv) {
  ArgParser args("rerequest-server", {
                                         {"listen", true, "IP:PORT to serve on (default 127.0.0.1:0: any free port)"},
                                         {"drop-percent", true, "answer packets lost on purpose (default 0)"},
                                         {"delay-ms", true, "wait before answering (default 0)"},
                                         {"seed", true, "of the drops (default 1)"},
                                         {"help", false, "this text"},
                                     });
  if (auto code = args.parse_command_line(argc, argv, kSynopsis)) return *code;
  std::uint64_t drop = 0;
  std::uint64_t delay_ms = 0;
  std::uint64_t seed = 1;
  if (!args.uint_value("drop-percent", drop) || !args.uint_value("delay-ms", delay_ms) ||
      !args.uint_value("seed", seed)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  const auto listen = net::parse_endpoint(args.value("listen").value_or("127.0.0.1:0"));
  if (!listen || drop > 100) return args.usage_error("--listen IP:PORT, --drop-percent 0..100", kSynopsis);
  if (args.positional().empty()) return args.usage_error("give the CAPTURE to serve", kSynopsis);

  std::map<std::string, Messages> sessions;
  if (!load(args.positional(), sessions)) return 1;

  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(listen->port);
  at.sin_addr.s_addr = htonl(listen->address);
  socklen_t at_length = sizeof at;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &at_length) != 0) {
    std::perror("tickwire rerequest-server: socket");
    return 1;
  }
  char host[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &at.sin_addr, host, sizeof host);
  std::size_t stored = 0;
  for (const auto& [name, m] : sessions) stored += m.size();
  std::printf("listening %s:%u sessions=%zu messages=%zu\n", host, ntohs(at.sin_port), sessions.size(), stored);
  std::fflush(stdout);

  session::install_stop_handlers();
  std::mt19937_64 rng(seed);
  std::uint64_t requests = 0;
  std::uint64_t answered = 0;
  std::uint64_t dropped = 0;
  while (!session::stop_requested()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    feed::MoldUdp64Header request{};
    sockaddr_in from{};
    socklen_t from_length = sizeof from;
    const ssize_t n = ::recvfrom(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n != static_cast<ssize_t>(sizeof request)) continue;
    ++requests;
    if (delay_ms != 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    const auto session = sessions.find(std::string(request.session.raw()));
    if (session == sessions.end()) continue;
    const std::uint64_t first = request.sequence_number.value();
    const std::uint64_t end = first + request.message_count.value();
    // Contiguous messages from `first`, packed into datagrams like the feed's.
    for (std::uint64_t q = first; q < end && session->second.count(q) != 0;) {
      std::vector<std::uint8_t> answer(sizeof(feed::MoldUdp64Header));
      const std::uint64_t packet_first = q;
      std::uint16_t count = 0;
      for (; q < end; ++q) {
        const auto it = session->second.find(q);
        if (it == session->second.end() || answer.size() + 2 + it->second.size() > kMaxAnswerPayload) break;
        answer.push_back(static_cast<std::uint8_t>(it->second.size() >> 8));
        answer.push_back(static_cast<std::uint8_t>(it->second.size()));
        answer.insert(answer.end(), it->second.begin(), it->second.end());
        ++count;
      }
      auto& h = *reinterpret_cast<feed::MoldUdp64Header*>(answer.data());
      h.session = request.session;
      h.sequence_number.set(packet_first);
      h.message_count.set(count);
      if (rng() % 100 < drop) {
        ++dropped;
        continue;
      }
      ::sendto(fd, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&from), from_length);
      ++answered;
    }
  }
  ::close(fd);
  std::printf("requests %llu answers %llu dropped %llu\n", static_cast<unsigned long long>(requests),
              static_cast<unsigned long long>(answered), static_cast<unsigned long long>(dropped));
  return 0;
}

}  // namespace tickwire::cli
