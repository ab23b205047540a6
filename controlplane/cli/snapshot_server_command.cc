#include "controlplane/cli/snapshot_server_command.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controlplane/cli/arg_parser.h"
#include "controlplane/cli/book_options.h"
#include "controlplane/session/book_build.h"
#include "controlplane/cli/feed_options.h"
#include "controlplane/session/stop_signal.h"
#include "controlplane/recovery/glimpse_snapshot.h"
#include "controlplane/recovery/soupbintcp.h"

namespace tickwire::cli {

namespace {

namespace soup = recovery::soupbintcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSynopsis = "[options] CAPTURE...   (the feed whose books are served)";

// Everything a client is sent, encoded once: every connection shares it, read-only.
struct Plan {
  std::string session;                      // 10 characters, as Login Accepted carries it
  std::vector<std::uint8_t> login_accepted;  // the 'A' packet
  std::vector<std::uint8_t> snapshot;        // one 'S' packet per message, the 'G' last
  std::vector<std::size_t> message_ends;     // offset in `snapshot` after each message
  std::optional<std::uint64_t> truncate_after;
  std::uint64_t delay_ms = 0;
  bool reject = false;
};

struct ServerStats {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> snapshots{0};   // sent complete, End of Snapshot included
  std::atomic<std::uint64_t> truncated{0};   // cut on purpose (--truncate-after)
  std::atomic<std::uint64_t> rejected{0};    // logins answered with 'J'
  std::atomic<std::uint64_t> logouts{0};
  std::atomic<std::uint64_t> dropped{0};     // gone without logging out, silent, or not SoupBinTCP
};

std::int64_t ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// One client's connection, served by its own thread.
class Connection {
 public:
  Connection(int fd, const Plan& plan, ServerStats& stats) : fd_(fd), plan_(plan), stats_(stats) {}
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void serve() {
    // Logins are at most 49 bytes: anything far longer is not a SoupBinTCP client.
    soup::PacketDecoder decoder(1024);
    std::uint8_t buffer[4096];
    last_heard_ = last_sent_ = Clock::now();
    while (!session::stop_requested()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          ++stats_.dropped;
          return;
        }
        if (n > 0) {
          last_heard_ = Clock::now();
          decoder.append(buffer, static_cast<std::size_t>(n));
          soup::Packet packet;
          soup::DecodeStatus status;
          while ((status = decoder.next(packet)) == soup::DecodeStatus::kPacket) {
            if (!on_packet(packet)) return;
          }
          if (status == soup::DecodeStatus::kBadLength) {
            ++stats_.dropped;
            return;
          }
        }
      }
      const Clock::time_point now = Clock::now();
      if (ms_between(last_heard_, now) >= soup::kPeerTimeoutMs) {  // the client is gone
        ++stats_.dropped;
        return;
      }
      if (logged_in_ && ms_between(last_sent_, now) >= soup::kHeartbeatIntervalMs &&
          !send(packet_of(soup::PacketType::kServerHeartbeat))) {
        ++stats_.dropped;
        return;
      }
    }
    if (logged_in_) (void)send(packet_of(soup::PacketType::kEndOfSession));
    close_gracefully();
  }

 private:
  static std::vector<std::uint8_t> packet_of(soup::PacketType type, std::span<const std::uint8_t> payload = {}) {
    std::vector<std::uint8_t> out;
    (void)soup::append_packet(out, type, payload);
    return out;
  }

  // False: the connection is done.
  bool on_packet(const soup::Packet& packet) {
    switch (static_cast<soup::PacketType>(packet.type)) {
      case soup::PacketType::kLoginRequest: return logged_in_ || on_login(packet.payload);
      case soup::PacketType::kLogoutRequest:
        ++stats_.logouts;
        close_gracefully();
        return false;
      default: return true;  // client heartbeats (the time they were heard is noted), unsequenced data
    }
  }

  bool on_login(std::span<const std::uint8_t> payload) {
    soup::LoginRequestFields login;
    const bool well_formed = soup::parse_login_request(payload, login);
    const std::string_view ours = std::string_view(plan_.session).substr(0, plan_.session.find(' '));
    char reason = 0;
    if (!well_formed || plan_.reject) {
      reason = soup::kRejectNotAuthorized;
    } else if (!login.requested_session.empty() && login.requested_session != ours) {
      reason = soup::kRejectSessionNotAvailable;
    }
    if (reason != 0) {
      ++stats_.rejected;
      soup::LoginRejected rejected{};
      rejected.reject_reason_code.set(std::string_view(&reason, 1));
      std::vector<std::uint8_t> out;
      (void)soup::append_packet(out, soup::PacketType::kLoginRejected, rejected);
      (void)send(out);
      close_gracefully();
      return false;
    }
    // A slow server: nothing at all is sent meanwhile (no heartbeats before a login is accepted).
    for (const auto until = Clock::now() + std::chrono::milliseconds(plan_.delay_ms);
         Clock::now() < until && !session::stop_requested();) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::size_t bytes = plan_.snapshot.size();
    const bool cut = plan_.truncate_after && *plan_.truncate_after < plan_.message_ends.size();
    if (cut) bytes = *plan_.truncate_after == 0 ? 0 : plan_.message_ends[*plan_.truncate_after - 1];
    if (!send(plan_.login_accepted) || !send({plan_.snapshot.data(), bytes})) {
      ++stats_.dropped;
      return false;
    }
    if (cut) {
      ++stats_.truncated;
      close_gracefully();
      return false;
    }
    ++stats_.snapshots;
    logged_in_ = true;
    return true;
  }

  // Everything, unless the client stops reading for the peer timeout or the server stops.
  bool send(std::span<const std::uint8_t> bytes) {
    std::size_t sent = 0;
    Clock::time_point progress = Clock::now();
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        progress = Clock::now();
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
      if (session::stop_requested() || ms_between(progress, Clock::now()) >= soup::kPeerTimeoutMs) return false;
      pollfd p{fd_, POLLOUT, 0};
      (void)::poll(&p, 1, 100);
    }
    last_sent_ = Clock::now();
    return true;
  }

  // Our side first, then wait (briefly) for the client's close: closing with its bytes
  // unread would reset the connection, and a reset may discard what the client has not
  // read yet (the end of a snapshot, the rejection).
  void close_gracefully() {
    ::shutdown(fd_, SHUT_WR);
    std::uint8_t sink[512];
    const auto until = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd_, sink, sizeof sink, 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;
    }
  }

  int fd_;
  const Plan& plan_;
  ServerStats& stats_;
  bool logged_in_ = false;
  Clock::time_point last_heard_;
  Clock::time_point last_sent_;
};

struct Client {
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace

int run_snapshot_server_command(int argc, char** argv) {
  std::vector<OptionSpec> own = {
      {"listen", true, "IP:PORT to serve on (default 127.0.0.1:0: any free port, printed)"},
      {"truncate-after", true, "close each connection after N snapshot messages, before End of Snapshot (drill)"},
      {"delay-ms", true, "wait this long after a login before answering it (default 0)"},
      {"reject", false, "answer every login with Login Rejected (not authorized)"},
  };
  for (const OptionSpec& s : book_build_option_specs()) own.push_back(s);
  ArgParser args = feed_command_parser("snapshot-server", std::move(own));
  session::FeedInputOptions input;
  if (auto code = parse_feed_command(args, argc, argv, kSynopsis, input)) return *code;
  session::BookBuildOptions options;
  std::string error;
  std::uint64_t truncate_after = 0;
  Plan plan;
  if (!args.uint_value("truncate-after", truncate_after) || !args.uint_value("delay-ms", plan.delay_ms)) {
    return args.usage_error(args.error(), kSynopsis);
  }
  if (!parse_book_build_options(args, options, error)) return args.usage_error(error, kSynopsis);
  const auto listen = net::parse_endpoint(args.value("listen").value_or("127.0.0.1:0"));
  if (!listen) return args.usage_error("--listen: expected IP:PORT", kSynopsis);
  if (args.has("truncate-after")) plan.truncate_after = truncate_after;
  plan.reject = args.has("reject");

  // The books, exactly as `tickwire book` (with the same --at) builds them.
  auto build = std::make_unique<session::BookBuild>();
  if (!build->init(options, input.filter, error)) {
    std::fprintf(stderr, "tickwire snapshot-server: %s\n", error.c_str());
    return 1;
  }
  const session::FeedRunResult built = session::run_feed_inputs(input, *build->sequenced, *build->sink, build->feed_counters, stderr);
  if (!built.all_inputs_usable) return 1;

  // The snapshot reflects every message up to the last one applied: the client resumes after it.
  const std::uint64_t resume = build->sink->last_applied + 1;
  // The MoldUDP64 session of the captures (blank for BinaryFILE input, which has none).
  plan.session = std::string(build->sequenced->session().text());
  for (char& c : plan.session) c = c == '\0' ? ' ' : c;
  recovery::SnapshotMarketState state;
  state.system_event = build->builder->session().last_event();
  state.timestamp_ns = build->builder->clock().now_ns();
  const recovery::SnapshotWriteResult written =
      recovery::write_snapshot(build->books, state, resume, [&](const std::uint8_t* message, std::size_t length) {
        (void)soup::append_packet(plan.snapshot, soup::PacketType::kSequencedData, {message, length});
        plan.message_ends.push_back(plan.snapshot.size());
        return true;
      });
  // Sequence numbers of this SoupBinTCP session start at 1 (the snapshot's first message).
  (void)soup::append_packet(plan.login_accepted, soup::PacketType::kLoginAccepted,
                            soup::make_login_accepted(plan.session, 1));

  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(listen->port);
  at.sin_addr.s_addr = htonl(listen->address);
  socklen_t at_length = sizeof at;
  if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &at_length) != 0) {
    std::perror("tickwire snapshot-server: socket");
    if (fd >= 0) ::close(fd);
    return 1;
  }
  char host[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &at.sin_addr, host, sizeof host);
  std::printf("listening %s:%u session=%s resume=%" PRIu64 " messages=%" PRIu64 " instruments=%" PRIu64
              " orders=%" PRIu64 "\n",
              host, ntohs(at.sin_port), std::string(plan.session.substr(0, plan.session.find(' '))).c_str(), resume,
              written.messages, written.instruments, written.orders);
  std::fflush(stdout);

  session::install_stop_handlers();
  ServerStats stats;
  std::list<Client> clients;
  while (!session::stop_requested()) {
    // Threads that finished are joined as we go: a long drill does not pile them up.
    for (auto it = clients.begin(); it != clients.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int client_fd = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client_fd < 0) continue;
    ::setsockopt(client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++stats.connections;
    Client& c = clients.emplace_back();
    c.thread = std::thread([client_fd, &plan, &stats, done = c.done] {
      Connection(client_fd, plan, stats).serve();
      done->store(true);
    });
  }
  for (Client& c : clients) c.thread.join();
  ::close(fd);
  std::printf("connections %" PRIu64 " snapshots %" PRIu64 " truncated %" PRIu64 " rejected %" PRIu64
              " logouts %" PRIu64 " dropped %" PRIu64 "\n",
              stats.connections.load(), stats.snapshots.load(), stats.truncated.load(), stats.rejected.load(),
              stats.logouts.load(), stats.dropped.load());
  return 0;
}

}  // namespace tickwire::cli
