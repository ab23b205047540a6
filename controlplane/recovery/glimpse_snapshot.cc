#include "controlplane/recovery/glimpse_snapshot.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "controlplane/recovery/soupbintcp.h"
#include "dataplane/itch/messages.h"

namespace tickwire::recovery {

namespace soup = soupbintcp;

bool parse_end_of_snapshot(const std::uint8_t* message, std::size_t length, std::uint64_t& resume_sequence) noexcept {
  if (length != EndOfSnapshot::kLength || message[0] != EndOfSnapshot::kType) return false;
  const auto parsed = soup::parse_numeric(wire::view_as<EndOfSnapshot>(message).sequence_number.raw());
  if (!parsed) return false;
  resume_sequence = *parsed;
  return true;
}

// --- the writer

namespace {

// Alpha fields the store does not keep go out as spaces, as ITCH pads an absent value.
template <class Message>
Message blank(std::uint16_t locate, std::uint64_t timestamp_ns) {
  Message m;
  std::memset(&m, ' ', sizeof m);
  m.header.message_type.set(std::string_view(&Message::kType, 1));
  m.header.stock_locate.set(locate);
  m.header.tracking_number.set(0);  // a snapshot is not an exchange-internal event: nothing to track
  m.header.timestamp.set(timestamp_ns);
  return m;
}

template <class Message>
bool emit(const SnapshotSink& sink, const Message& m, SnapshotWriteResult& result) {
  static_assert(sizeof(Message) == Message::kLength);
  if (!sink(reinterpret_cast<const std::uint8_t*>(&m), sizeof m)) return false;
  ++result.messages;
  return true;
}

// The System Event codes in the order a day sends them (ITCH 5.0, 4.1). Replaying the day's
// events up to the current one leaves a client's market session (in market hours or not)
// where a client that saw the whole day has it.
constexpr std::string_view kSystemEventsOfTheDay = "OSQMEC";
// How often a fetch with a cancel flag looks at it.
constexpr std::int64_t kCancelCheckMs = 100;

bool write_system_events(const SnapshotMarketState& state, const SnapshotSink& sink, SnapshotWriteResult& result) {
  if (state.system_event == 0) return true;
  const std::size_t at = kSystemEventsOfTheDay.find(state.system_event);
  const std::string_view events = at == std::string_view::npos ? std::string_view(&state.system_event, 1)
                                                                : kSystemEventsOfTheDay.substr(0, at + 1);
  for (const char code : events) {
    auto m = blank<itch::SystemEvent>(0, state.timestamp_ns);
    m.event_code.set(std::string_view(&code, 1));
    if (!emit(sink, m, result)) return false;
  }
  return true;
}

bool write_instrument(const book::Instrument& ins, const SnapshotMarketState& state, const SnapshotSink& sink,
                      SnapshotWriteResult& result) {
  const std::string_view symbol(ins.symbol.data(), ins.symbol.size());
  // Every instrument gets its directory message, also one first named by an add (no R seen):
  // GLIMPSE sends one per security. The store keeps only the symbol: market category, round
  // lot and the other directory fields go out blank (round lot 0 = not known here).
  auto r = blank<itch::StockDirectory>(ins.locate, state.timestamp_ns);
  r.stock.set(symbol);
  r.round_lot_size.set(0);
  r.etp_leverage_factor.set(0);
  if (!emit(sink, r, result)) return false;
  // The trading state is kept (H); one never announced stays unknown rather than claimed to
  // be 'T', so a client knows exactly what the server knows. The halt reason is not kept.
  if (ins.trading_state != 0) {
    auto h = blank<itch::StockTradingAction>(ins.locate, state.timestamp_ns);
    h.stock.set(symbol);
    h.trading_state.set(std::string_view(&ins.trading_state, 1));
    if (!emit(sink, h, result)) return false;
  }
  if (ins.reg_sho_action != 0) {
    auto y = blank<itch::RegShoRestriction>(ins.locate, state.timestamp_ns);
    y.stock.set(symbol);
    y.reg_sho_action.set(std::string_view(&ins.reg_sho_action, 1));
    if (!emit(sink, y, result)) return false;
  }
  return true;
}

bool write_orders(const book::BookStore& books, const book::LevelQueues& queues, const book::Instrument& ins,
                  const SnapshotMarketState& state, const SnapshotSink& sink, SnapshotWriteResult& result) {
  const std::string_view symbol(ins.symbol.data(), ins.symbol.size());
  bool ok = true;
  for (const book::SideIndex side : {book::kBidSide, book::kAskSide}) {
    const char indicator = side == book::kBidSide ? 'B' : 'S';
    books.for_each_level(ins, side, [&](const book::PriceLevel& level) {
      // Oldest first: each add goes to the back of its level, so the client's queue is ours.
      for (const book::Order& o : queues.of(level)) {
        if (!ok) return;
        // The store does not keep an order's MPID attribution: every order goes out as 'A'.
        auto a = blank<itch::AddOrder>(ins.locate, state.timestamp_ns);
        a.order_reference_number.set(o.reference);
        a.buy_sell_indicator.set(std::string_view(&indicator, 1));
        a.shares.set(o.shares);
        a.stock.set(symbol);
        a.price.set(level.price);
        ok = emit(sink, a, result);
        result.orders += ok;
      }
    });
    if (!ok) return false;
  }
  return true;
}

}  // namespace

SnapshotWriteResult write_snapshot(const book::BookStore& books, const SnapshotMarketState& state,
                                   std::uint64_t resume_sequence, const SnapshotSink& sink) {
  SnapshotWriteResult result;
  if (!write_system_events(state, sink, result)) return result;
  // Instrument ids start at 1 and are handed out in order: visiting them in id order makes a
  // fresh store on the client hand out the same ids (within one day: an instrument of an
  // earlier day that has not traded today is not in the snapshot).
  for (std::uint32_t id = 1; id <= books.instrument_count(); ++id) {
    const book::Instrument& ins = books.instrument(id);
    if (ins.feed != state.feed || !books.in_session(ins)) continue;
    if (!write_instrument(ins, state, sink, result)) return result;
    ++result.instruments;
  }
  const book::LevelQueues queues = books.queues();
  for (std::uint32_t id = 1; id <= books.instrument_count(); ++id) {
    const book::Instrument& ins = books.instrument(id);
    if (ins.feed != state.feed || ins.orders == 0) continue;
    if (!write_orders(books, queues, ins, state, sink, result)) return result;
  }
  EndOfSnapshot g;
  g.message_type.set(std::string_view(&EndOfSnapshot::kType, 1));
  (void)soup::set_numeric(g.sequence_number, resume_sequence);  // 20 digits hold any 64-bit value
  if (!sink(reinterpret_cast<const std::uint8_t*>(&g), sizeof g)) return result;
  ++result.messages;
  result.complete = true;
  return result;
}

// --- the client

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] int fd() const noexcept { return fd_; }

  // Everything, within `timeout_ms` (a login or a heartbeat: a few dozen bytes).
  bool send_all(const std::vector<std::uint8_t>& bytes, int timeout_ms) const {
    std::size_t sent = 0;
    const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
      const auto left = ms_between(Clock::now(), until);
      if (left <= 0) return false;
      pollfd p{fd_, POLLOUT, 0};
      (void)::poll(&p, 1, static_cast<int>(left));
    }
    return true;
  }

 private:
  int fd_;
};

std::vector<std::uint8_t> packet(soup::PacketType type) {
  std::vector<std::uint8_t> out;
  (void)soup::append_packet(out, type);
  return out;
}

std::string reject_reason(std::span<const std::uint8_t> payload) {
  if (payload.size() != sizeof(soup::LoginRejected)) return "no reason code";
  switch (static_cast<char>(payload[0])) {
    case soup::kRejectNotAuthorized: return "not authorized";
    case soup::kRejectSessionNotAvailable: return "session not available";
    default: return std::string("reason code '") + static_cast<char>(payload[0]) + "'";
  }
}

}  // namespace

std::string SnapshotClient::server_name() const {
  in_addr a{};
  a.s_addr = htonl(config_.server.address);
  char host[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &a, host, sizeof host);
  return "snapshot server " + std::string(host) + ":" + std::to_string(config_.server.port);
}

SnapshotResult SnapshotClient::fetch(const MessageCallback& on_message) const {
  SnapshotResult r;
  const Clock::time_point start = Clock::now();
  const auto finish = [&](SnapshotError error, const std::string& what) {
    r.error = error;
    r.message = error == SnapshotError::kNone ? std::string() : server_name() + ": " + what;
    r.elapsed_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
    return r;
  };
  // What is left of the deadline, capped at `cap` (no deadline: the cap).
  const auto budget_ms = [&](std::int64_t cap) {
    if (config_.deadline_ms <= 0) return cap;
    return std::min(cap, config_.deadline_ms - ms_between(start, Clock::now()));
  };

  Socket socket;
  if (socket.fd() < 0) return finish(SnapshotError::kConnect, std::string("socket: ") + std::strerror(errno));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(config_.server.port);
  to.sin_addr.s_addr = htonl(config_.server.address);
  if (::connect(socket.fd(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
    return finish(SnapshotError::kConnect, std::string("cannot connect: ") + std::strerror(errno));
  }
  {
    pollfd p{socket.fd(), POLLOUT, 0};
    const std::int64_t wait = budget_ms(config_.connect_timeout_ms);
    if (wait <= 0 || ::poll(&p, 1, static_cast<int>(wait)) <= 0) {
      return finish(SnapshotError::kConnect, "no answer to the connection within " + std::to_string(wait) + " ms");
    }
    int so_error = 0;
    socklen_t size = sizeof so_error;
    ::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &so_error, &size);
    if (so_error != 0) return finish(SnapshotError::kConnect, std::string("cannot connect: ") + std::strerror(so_error));
  }
  // Logins and heartbeats are single small packets: send them now, not after Nagle's wait.
  const int one = 1;
  ::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  std::vector<std::uint8_t> login;
  (void)soup::append_packet(login, soup::PacketType::kLoginRequest,
                            soup::make_login_request(config_.username, config_.password, config_.session, 1));
  if (!socket.send_all(login, config_.peer_timeout_ms)) {
    return finish(SnapshotError::kConnectionLost, std::string("cannot send the login: ") + std::strerror(errno));
  }
  Clock::time_point last_sent = Clock::now();
  Clock::time_point last_heard = last_sent;

  // No GLIMPSE packet comes near this; a larger length means the peer does not speak
  // SoupBinTCP (an HTTP answer reads as a length of 18516), which is then said at once.
  soup::PacketDecoder decoder(4096);
  bool logged_in = false;
  std::vector<std::uint8_t> buffer(65536);
  const auto ended = [&](const std::string& how) {
    if (!logged_in) return finish(SnapshotError::kConnectionLost, how + " before answering the login");
    std::string what = how + " after " + std::to_string(r.messages) + " snapshot messages, before End of Snapshot";
    if (decoder.pending_bytes() != 0) what += " (in the middle of a packet)";
    return finish(SnapshotError::kTruncated, "truncated snapshot: " + what);
  };

  for (;;) {
    if (config_.cancel != nullptr && config_.cancel->load(std::memory_order_relaxed)) {
      return finish(SnapshotError::kCancelled, "cancelled after " + std::to_string(r.messages) + " snapshot messages");
    }
    const Clock::time_point now = Clock::now();
    const std::int64_t silent = ms_between(last_heard, now);
    if (silent >= config_.peer_timeout_ms) {
      return finish(SnapshotError::kTimeout, "silent for " + std::to_string(silent) + " ms " +
                                                 (logged_in ? "after " + std::to_string(r.messages) + " snapshot messages"
                                                            : std::string("without answering the login")));
    }
    if (config_.deadline_ms > 0 && ms_between(start, now) >= config_.deadline_ms) {
      return finish(SnapshotError::kTimeout, "no End of Snapshot within " + std::to_string(config_.deadline_ms) +
                                                 " ms (" + std::to_string(r.messages) + " snapshot messages received)");
    }
    if (ms_between(last_sent, now) >= config_.heartbeat_interval_ms) {
      if (!socket.send_all(packet(soup::PacketType::kClientHeartbeat), config_.peer_timeout_ms)) {
        return ended("the connection failed (" + std::string(std::strerror(errno)) + ")");
      }
      last_sent = now;
    }
    std::int64_t wait = std::min<std::int64_t>(config_.heartbeat_interval_ms - ms_between(last_sent, now),
                                               config_.peer_timeout_ms - silent);
    wait = std::max<std::int64_t>(budget_ms(wait), 0);
    if (config_.cancel != nullptr) wait = std::min<std::int64_t>(wait, kCancelCheckMs);
    pollfd p{socket.fd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(wait));
    if (ready <= 0) continue;  // a timer is due, or EINTR
    const ssize_t n = ::recv(socket.fd(), buffer.data(), buffer.size(), 0);
    if (n == 0) return ended("the connection closed");
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return ended("the connection failed (" + std::string(std::strerror(errno)) + ")");
    }
    r.bytes += static_cast<std::uint64_t>(n);
    last_heard = Clock::now();
    decoder.append(buffer.data(), static_cast<std::size_t>(n));

    soup::Packet packet_in;
    soup::DecodeStatus status;
    while ((status = decoder.next(packet_in)) == soup::DecodeStatus::kPacket) {
      switch (static_cast<soup::PacketType>(packet_in.type)) {
        case soup::PacketType::kLoginAccepted: {
          soup::LoginAcceptedFields accepted;
          if (logged_in) {
            ++r.ignored_packets;
          } else if (!soup::parse_login_accepted(packet_in.payload, accepted)) {
            return finish(SnapshotError::kProtocol, "malformed Login Accepted (" +
                                                        std::to_string(packet_in.payload.size()) + " bytes)");
          } else {
            logged_in = true;
            r.session = accepted.session;
          }
          break;
        }
        case soup::PacketType::kLoginRejected:
          return finish(SnapshotError::kLoginRejected, "login rejected (" + reject_reason(packet_in.payload) + ")");
        case soup::PacketType::kSequencedData: {
          if (!logged_in) return finish(SnapshotError::kProtocol, "sequenced data before Login Accepted");
          const std::uint8_t* message = packet_in.payload.data();
          const std::size_t length = packet_in.payload.size();
          if (length != 0 && message[0] == EndOfSnapshot::kType) {
            if (!parse_end_of_snapshot(message, length, r.resume_sequence)) {
              return finish(SnapshotError::kProtocol, "malformed End of Snapshot (" + std::to_string(length) + " bytes)");
            }
            // MoldUDP64 numbers messages from 1: 0 cannot be where a feed resumes.
            if (r.resume_sequence == 0) return finish(SnapshotError::kProtocol, "End of Snapshot at sequence 0");
            // Done: say goodbye properly (best effort: the snapshot is complete either way).
            (void)socket.send_all(packet(soup::PacketType::kLogoutRequest), 100);
            return finish(SnapshotError::kNone, {});
          }
          ++r.messages;
          on_message(message, length);
          break;
        }
        case soup::PacketType::kServerHeartbeat: ++r.heartbeats; break;
        case soup::PacketType::kDebug: ++r.debug_packets; break;
        case soup::PacketType::kEndOfSession: return ended("the server ended the session (End of Session)");
        default: ++r.ignored_packets; break;  // unsequenced data, or a type this client does not know
      }
    }
    if (status == soup::DecodeStatus::kBadLength) return finish(SnapshotError::kProtocol, decoder.error());
  }
}

}  // namespace tickwire::recovery
