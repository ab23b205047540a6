// GLIMPSE 5.0 snapshots. The writer: a snapshot of a book state, applied to a fresh store
// through the BookBuilder, gives the same books (levels, totals, each level's queue in time
// priority), the same instruments and trading states and the same market session; and a
// client that then applies the rest of the day ends exactly where one that saw the whole day
// ends. The client: against scripted SoupBinTCP servers on loopback, it hands over every
// message in order and the resume sequence, and reports a refused connection, a rejected
// login, a truncated snapshot, a silent server, a deadline and a peer that is not
// SoupBinTCP as distinct errors that name the server.
#include "controlplane/recovery/glimpse_snapshot.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "controlplane/recovery/soupbintcp.h"
#include "dataplane/book/book_builder.h"
#include "dataplane/itch/decoder.h"
#include "tests/support/itch_builder.h"

namespace tickwire::recovery {
namespace {

using test::Bytes;
namespace soup = soupbintcp;

std::vector<Bytes> generated_day(std::uint64_t messages, std::uint32_t symbols, std::uint64_t seed) {
  return test::generated_day_messages(messages, symbols, seed, /*halts=*/3);
}

struct NoEvents {
  void operator()(const events::Event&) noexcept {}
};

// One client's books: a store and the builder that fills it.
struct Books {
  Books() {
    book::BookConfig config;
    config.max_orders = 200'000;
    config.max_levels = 50'000;
    config.max_instruments = 512;
    std::string error;
    EXPECT_TRUE(store.init(config, error)) << error;
  }
  void apply(const std::uint8_t* message, std::size_t length, std::uint64_t sequence) {
    feed::MessageContext ctx;
    ctx.sequence = sequence;
    ctx.sequenced = sequence != 0;
    ASSERT_EQ(itch::decode_message(message, length, [&](const auto& m) { builder(ctx, m); }), itch::DecodeStatus::kOk)
        << "message type " << static_cast<char>(message[0]);
  }
  void apply(const Bytes& m, std::uint64_t sequence) { apply(m.data(), m.size(), sequence); }
  [[nodiscard]] SnapshotMarketState state() const {
    return {0, builder.session().last_event(), builder.clock().now_ns()};
  }

  book::BookStore store;
  NoEvents events;
  book::BookCounters counters;
  book::BookBuilder<NoEvents> builder{store, events, counters, 0};
};

// Everything a book is, in the order the store keeps it.
using OrderRow = std::tuple<std::uint64_t, std::uint32_t>;  // reference, shares
using LevelRow = std::tuple<std::uint32_t, std::uint64_t, std::uint32_t, std::vector<OrderRow>>;
struct InstrumentRow {
  std::uint32_t id;
  std::uint16_t locate;
  std::string symbol;
  char trading_state;
  char reg_sho_action;
  std::vector<LevelRow> bids, asks;
  friend bool operator==(const InstrumentRow&, const InstrumentRow&) = default;
};

std::vector<InstrumentRow> contents(const book::BookStore& store) {
  std::vector<InstrumentRow> rows;
  const book::LevelQueues queues = store.queues();
  for (std::uint32_t id = 1; id <= store.instrument_count(); ++id) {
    const book::Instrument& ins = store.instrument(id);
    InstrumentRow row{id, ins.locate, std::string(ins.symbol_text()), ins.trading_state, ins.reg_sho_action, {}, {}};
    for (const book::SideIndex side : {book::kBidSide, book::kAskSide}) {
      store.for_each_level(ins, side, [&](const book::PriceLevel& l) {
        std::vector<OrderRow> queue;
        for (const book::Order& o : queues.of(l)) queue.emplace_back(o.reference, o.shares);
        (side == book::kBidSide ? row.bids : row.asks).emplace_back(l.price, l.shares, l.orders, queue);
      });
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<Bytes> snapshot_of(const Books& books, std::uint64_t resume, SnapshotWriteResult* result = nullptr) {
  std::vector<Bytes> out;
  const SnapshotWriteResult r = write_snapshot(books.store, books.state(), resume, [&](const std::uint8_t* m, std::size_t n) {
    out.emplace_back(m, m + n);
    return true;
  });
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.messages, out.size());
  if (result != nullptr) *result = r;
  return out;
}

// Applies all but the End of Snapshot, which must be last and carry `resume`.
void apply_snapshot(const std::vector<Bytes>& snapshot, std::uint64_t resume, Books& client) {
  ASSERT_FALSE(snapshot.empty());
  std::uint64_t sequence = 0;
  ASSERT_TRUE(parse_end_of_snapshot(snapshot.back().data(), snapshot.back().size(), sequence));
  EXPECT_EQ(sequence, resume);
  for (std::size_t i = 0; i + 1 < snapshot.size(); ++i) client.apply(snapshot[i], 0);
}

// The core property at the unit level: join at K from a snapshot, apply the rest of the day,
// end with the books of a client that saw it all.
class SnapshotOfAGeneratedDay : public ::testing::TestWithParam<double> {};

TEST_P(SnapshotOfAGeneratedDay, RebuildsTheBooksAndTheRestOfTheDayEndsTheSame) {
  static const std::vector<Bytes> day = generated_day(60'000, 40, 5);
  const auto k = static_cast<std::size_t>(GetParam() * static_cast<double>(day.size()));
  Books whole;
  for (std::size_t i = 0; i < k; ++i) whole.apply(day[i], i + 1);

  SnapshotWriteResult written;
  const std::vector<Bytes> snapshot = snapshot_of(whole, k + 1, &written);
  Books late;
  apply_snapshot(snapshot, k + 1, late);
  ASSERT_EQ(contents(late.store), contents(whole.store)) << "at K=" << k;
  EXPECT_EQ(late.store.live_orders(), whole.store.live_orders());
  EXPECT_EQ(late.store.live_levels(), whole.store.live_levels());
  EXPECT_EQ(written.orders, whole.store.live_orders());
  EXPECT_EQ(written.instruments, whole.store.instrument_count());
  EXPECT_EQ(late.builder.session().last_event(), whole.builder.session().last_event());
  for (const std::uint64_t t : {0ull, 34'200'000'000'000ull, 45'000'000'000'000ull, 60'000'000'000'000ull}) {
    EXPECT_EQ(late.builder.session().continuous(t), whole.builder.session().continuous(t)) << t;
  }
  std::uint64_t anomalies = 0;
  for (const auto a : late.counters.anomalies) anomalies += a;
  EXPECT_EQ(anomalies, 0u) << "a snapshot is a clean stream";

  for (std::size_t i = k; i < day.size(); ++i) {
    whole.apply(day[i], i + 1);
    late.apply(day[i], i + 1);
  }
  EXPECT_EQ(contents(late.store), contents(whole.store)) << "after the rest of the day, joined at K=" << k;
  EXPECT_EQ(late.counters.anomalies, whole.counters.anomalies);
}

INSTANTIATE_TEST_SUITE_P(EarlyMiddleLateEnd, SnapshotOfAGeneratedDay, ::testing::Values(0.0, 0.02, 0.5, 0.93, 1.0));

TEST(GlimpseSnapshot, MessagesInOrderWithTheStateTheStoreKeeps) {
  Books server;
  server.apply(test::system_event('O', 1'000), 1);
  server.apply(test::system_event('S', 2'000), 2);
  server.apply(test::system_event('Q', 3'000), 3);
  server.apply(test::stock_directory(7, "AAPL"), 4);
  server.apply(test::trading_action(7, "AAPL", 'H'), 5);
  auto y = test::blank<itch::RegShoRestriction>(7, 40'000'000'000'000);
  y.stock.set("AAPL");
  y.reg_sho_action.set("1");
  server.apply(test::encode(y), 6);
  server.apply(test::add_order(7, 11, 'B', 100, "AAPL", 1'500'000), 7);
  server.apply(test::add_order_mpid(7, 12, 'B', 200, "AAPL", 1'500'000, "MPID"), 8);
  server.apply(test::add_order(7, 13, 'B', 300, "AAPL", 1'510'000), 9);
  server.apply(test::add_order(9, 21, 'S', 50, "MSFT", 3'000'000), 10);  // no R: named by its add
  server.apply(test::order_replace(7, 11, 14, 100, 1'500'000, 40'000'000'000'100), 11);  // 11 -> back of the queue

  const std::vector<Bytes> snapshot = snapshot_of(server, 12);
  std::string types;
  for (const Bytes& m : snapshot) types += static_cast<char>(m[0]);
  // System events; AAPL: R H Y; MSFT: R (state unknown: no H); orders best first, oldest
  // first; G.
  EXPECT_EQ(types, "SSS" "RHY" "R" "AAA" "A" "G");
  std::string system_events;
  for (std::size_t i = 0; i < 3; ++i) {
    system_events += wire::view_as<itch::SystemEvent>(snapshot[i].data()).event_code.value();
    EXPECT_EQ(wire::view_as<itch::SystemEvent>(snapshot[i].data()).header.stock_locate.value(), 0u);
  }
  EXPECT_EQ(system_events, "OSQ") << "the day's events up to the current one";
  // The queue at 150.0000: 12 (arrived first), then 14 (the replace went to the back).
  std::vector<std::uint64_t> refs;
  for (const Bytes& m : snapshot) {
    if (m[0] != 'A') continue;
    const auto& a = wire::view_as<itch::AddOrder>(m.data());
    refs.push_back(a.order_reference_number.value());
    EXPECT_EQ(a.header.timestamp.value(), 40'000'000'000'100u) << "the books' last exchange time";
    EXPECT_EQ(a.header.tracking_number.value(), 0u);
  }
  EXPECT_EQ(refs, (std::vector<std::uint64_t>{13, 12, 14, 21}));
  const auto& a = wire::view_as<itch::AddOrder>(snapshot[7].data());
  EXPECT_EQ(a.header.stock_locate.value(), 7u);
  EXPECT_EQ(a.stock.raw(), "AAPL    ");
  EXPECT_EQ(a.buy_sell_indicator.value(), 'B');
  EXPECT_EQ(a.price.value(), 1'510'000u);
  EXPECT_EQ(a.shares.value(), 300u);
  const auto& h = wire::view_as<itch::StockTradingAction>(snapshot[4].data());
  EXPECT_EQ(h.trading_state.value(), 'H');
  EXPECT_EQ(h.header.stock_locate.value(), 7u);

  Books client;
  apply_snapshot(snapshot, 12, client);
  EXPECT_EQ(contents(client.store), contents(server.store));
  EXPECT_EQ(client.store.instrument(client.store.instrument_id(0, 7)).trading_state, 'H');
  EXPECT_EQ(client.store.instrument(client.store.instrument_id(0, 9)).trading_state, 0) << "unknown stays unknown";
  EXPECT_TRUE(client.builder.session().continuous(0)) << "in market hours, as the server";
}

TEST(GlimpseSnapshot, AnEmptyStateIsJustTheEndOfSnapshot) {
  Books empty;
  const std::vector<Bytes> snapshot = snapshot_of(empty, 1);
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(std::string(snapshot[0].begin(), snapshot[0].end()), "G" + std::string(19, ' ') + "1");
}

TEST(GlimpseSnapshot, ASinkThatFailsStopsTheSnapshotThere) {
  Books server;
  for (std::uint64_t r = 1; r <= 10; ++r) server.apply(test::add_order(1, r, 'S', 10, "X", 100 + r), r);
  std::size_t taken = 0;
  const SnapshotWriteResult r = write_snapshot(server.store, server.state(), 11, [&](const std::uint8_t*, std::size_t) {
    return ++taken <= 4;
  });
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.messages, 4u);
  EXPECT_EQ(taken, 5u) << "nothing offered after the refusal";
}

TEST(GlimpseSnapshot, EndOfSnapshotParsing) {
  std::uint64_t resume = 0;
  const std::string good = "G" + std::string(14, ' ') + "123456";
  const auto* p = reinterpret_cast<const std::uint8_t*>(good.data());
  ASSERT_TRUE(parse_end_of_snapshot(p, good.size(), resume));
  EXPECT_EQ(resume, 123456u);
  EXPECT_FALSE(parse_end_of_snapshot(p, good.size() - 1, resume));
  const std::string blank = "G" + std::string(20, ' ');
  EXPECT_FALSE(parse_end_of_snapshot(reinterpret_cast<const std::uint8_t*>(blank.data()), blank.size(), resume));
  const std::string other = "S" + std::string(14, ' ') + "123456";
  EXPECT_FALSE(parse_end_of_snapshot(reinterpret_cast<const std::uint8_t*>(other.data()), other.size(), resume));
}

// --- the client against scripted servers

// A loopback listener whose one connection runs `script` (on a blocking socket).
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(int fd)> script) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof at;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&at), &size), 0);
    port_ = ntohs(at.sin_port);
    thread_ = std::thread([this, script = std::move(script)] {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      script(fd);
      ::close(fd);
    });
  }
  ~ScriptedServer() {
    join();
    ::close(listener_);
  }
  // Waits for the script to end: what it recorded may be read after this.
  void join() {
    if (!thread_.joinable()) return;
    ::shutdown(listener_, SHUT_RDWR);  // wakes an accept() nobody came to
    thread_.join();
  }
  [[nodiscard]] SnapshotClientConfig config() const {
    SnapshotClientConfig c;
    c.server = {0x7F000001, port_};
    c.username = "tester";
    c.password = "pw";
    return c;
  }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

Bytes read_exactly(int fd, std::size_t n) {
  Bytes b(n);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd, b.data() + got, n - got, 0);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  b.resize(got);
  return b;
}
// Until the client closes its end: a script that closed first would turn the client's
// verdict into "connection closed".
void drain_until_closed(int fd) {
  std::uint8_t sink[256];
  while (::recv(fd, sink, sizeof sink, 0) > 0) {
  }
}
void write_all(int fd, const Bytes& b) {
  for (std::size_t sent = 0; sent < b.size();) {
    const ssize_t n = ::send(fd, b.data() + sent, b.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}
// Reads the Login Request (49 bytes on the wire) and returns its fields.
soup::LoginRequestFields read_login(int fd) {
  const Bytes b = read_exactly(fd, 49);
  soup::LoginRequestFields f;
  EXPECT_EQ(b.size(), 49u);
  if (b.size() == 49) {
    EXPECT_EQ(b[2], 'L');
    EXPECT_TRUE(soup::parse_login_request({b.data() + 3, 46}, f));
  }
  return f;
}
Bytes packet(soup::PacketType type, const Bytes& payload = {}) {
  Bytes out;
  EXPECT_TRUE(soup::append_packet(out, type, payload));
  return out;
}
Bytes accepted(std::string_view session) {
  Bytes out;
  EXPECT_TRUE(soup::append_packet(out, soup::PacketType::kLoginAccepted, soup::make_login_accepted(session, 1)));
  return out;
}
Bytes end_of_snapshot(std::uint64_t resume) {
  EndOfSnapshot g;
  g.message_type.set("G");
  EXPECT_TRUE(soup::set_numeric(g.sequence_number, resume));
  const auto* p = reinterpret_cast<const std::uint8_t*>(&g);
  return packet(soup::PacketType::kSequencedData, Bytes(p, p + sizeof g));
}

TEST(SnapshotClient, LogsInHandsOverEveryMessageInOrderAndLogsOut) {
  const std::vector<Bytes> messages = {test::system_event('Q', 5), test::stock_directory(3, "IBM"),
                                       test::add_order(3, 1, 'B', 10, "IBM", 100)};
  soup::LoginRequestFields login;
  Bytes after_snapshot;
  ScriptedServer server([&](int fd) {
    login = read_login(fd);
    Bytes stream = accepted("SESSION007");
    const Bytes debug = packet(soup::PacketType::kDebug, Bytes{'h', 'i'});
    stream.insert(stream.end(), debug.begin(), debug.end());
    for (const Bytes& m : messages) {
      const Bytes p = packet(soup::PacketType::kSequencedData, m);
      stream.insert(stream.end(), p.begin(), p.end());
      const Bytes h = packet(soup::PacketType::kServerHeartbeat);
      stream.insert(stream.end(), h.begin(), h.end());
    }
    const Bytes g = end_of_snapshot(777);
    stream.insert(stream.end(), g.begin(), g.end());
    // In odd pieces, as TCP may deliver it.
    for (std::size_t at = 0; at < stream.size(); at += 7) {
      write_all(fd, Bytes(stream.begin() + static_cast<long>(at),
                          stream.begin() + static_cast<long>(std::min(at + 7, stream.size()))));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    after_snapshot = read_exactly(fd, 3);  // the Logout Request
  });
  std::vector<Bytes> received;
  const SnapshotResult r = SnapshotClient(server.config()).fetch([&](const std::uint8_t* m, std::size_t n) {
    received.emplace_back(m, m + n);
  });
  server.join();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(received, messages);
  EXPECT_EQ(r.messages, 3u);
  EXPECT_EQ(r.resume_sequence, 777u);
  EXPECT_EQ(r.session, "SESSION007");
  EXPECT_EQ(r.heartbeats, 3u);
  EXPECT_EQ(r.debug_packets, 1u);
  EXPECT_GT(r.elapsed_ns, 0u);
  EXPECT_EQ(login.username, "tester");
  EXPECT_EQ(login.password, "pw");
  EXPECT_EQ(login.requested_session, "");
  EXPECT_EQ(login.requested_sequence_number, 1u);
  EXPECT_EQ(after_snapshot, packet(soup::PacketType::kLogoutRequest));
}

TEST(SnapshotClient, ARejectedLoginSaysWhyAndNamesTheServer) {
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    write_all(fd, packet(soup::PacketType::kLoginRejected, Bytes{'S'}));
  });
  const SnapshotClient client(server.config());
  const SnapshotResult r = client.fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kLoginRejected);
  EXPECT_NE(r.message.find(client.server_name()), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("session not available"), std::string::npos) << r.message;
  EXPECT_EQ(client.server_name().rfind("snapshot server 127.0.0.1:", 0), 0u);
}

TEST(SnapshotClient, AConnectionThatEndsBeforeEndOfSnapshotIsATruncatedSnapshot) {
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    Bytes stream = accepted("S");
    for (int i = 0; i < 2; ++i) {
      const Bytes p = packet(soup::PacketType::kSequencedData, test::order_delete(1, 5));
      stream.insert(stream.end(), p.begin(), p.end());
    }
    stream.push_back(0);  // and half of a third packet's length
    write_all(fd, stream);
  });
  std::size_t handed = 0;
  const SnapshotResult r = SnapshotClient(server.config()).fetch([&](const std::uint8_t*, std::size_t) { ++handed; });
  EXPECT_EQ(r.error, SnapshotError::kTruncated) << r.message;
  EXPECT_EQ(handed, 2u);
  EXPECT_NE(r.message.find("truncated snapshot"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("after 2 snapshot messages"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("in the middle of a packet"), std::string::npos) << r.message;
}

TEST(SnapshotClient, EndOfSessionBeforeEndOfSnapshotIsTruncatedToo) {
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    Bytes stream = accepted("S");
    const Bytes z = packet(soup::PacketType::kEndOfSession);
    stream.insert(stream.end(), z.begin(), z.end());
    write_all(fd, stream);
    drain_until_closed(fd);
  });
  const SnapshotResult r = SnapshotClient(server.config()).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kTruncated) << r.message;
  EXPECT_NE(r.message.find("End of Session"), std::string::npos) << r.message;
}

TEST(SnapshotClient, ACloseBeforeTheLoginAnswerIsALostConnection) {
  ScriptedServer server([&](int fd) { (void)read_login(fd); });
  const SnapshotResult r = SnapshotClient(server.config()).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kConnectionLost) << r.message;
  EXPECT_NE(r.message.find("before answering the login"), std::string::npos) << r.message;
}

TEST(SnapshotClient, ASilentServerTimesOutAndIsSentHeartbeatsMeanwhile) {
  Bytes heard;
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    write_all(fd, accepted("S"));
    heard = read_exactly(fd, 3 * 3);  // three Client Heartbeats; more follow until the client gives up
    drain_until_closed(fd);
  });
  SnapshotClientConfig config = server.config();
  config.heartbeat_interval_ms = 40;
  config.peer_timeout_ms = 300;
  const SnapshotResult r = SnapshotClient(config).fetch([](const std::uint8_t*, std::size_t) {});
  server.join();
  EXPECT_EQ(r.error, SnapshotError::kTimeout) << r.message;
  EXPECT_NE(r.message.find("silent for"), std::string::npos) << r.message;
  const Bytes heartbeat = packet(soup::PacketType::kClientHeartbeat);
  ASSERT_EQ(heard.size(), 9u);
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(heard[i], heartbeat[i % 3]);
}

TEST(SnapshotClient, TheDeadlineBoundsASlowSnapshot) {
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    write_all(fd, accepted("S"));
    // Heartbeats keep the session alive, but the snapshot never comes.
    for (int i = 0; i < 20; ++i) {
      write_all(fd, packet(soup::PacketType::kServerHeartbeat));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  SnapshotClientConfig config = server.config();
  config.deadline_ms = 150;
  const SnapshotResult r = SnapshotClient(config).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kTimeout) << r.message;
  EXPECT_NE(r.message.find("no End of Snapshot within 150 ms"), std::string::npos) << r.message;
  EXPECT_GE(r.elapsed_ns, 150'000'000u);
  EXPECT_LT(r.elapsed_ns, 2'000'000'000u);
}

TEST(SnapshotClient, APeerThatIsNotSoupBinTcpIsAProtocolError) {
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    const std::string http = "HTTP/1.1 400 Bad Request\r\n\r\n";
    write_all(fd, Bytes(http.begin(), http.end()));
    drain_until_closed(fd);
  });
  const SnapshotResult r = SnapshotClient(server.config()).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kProtocol) << r.message;
  EXPECT_NE(r.message.find("bad SoupBinTCP packet length 18516"), std::string::npos) << r.message;
}

TEST(SnapshotClient, SequencedDataBeforeLoginAndABadEndOfSnapshotAreProtocolErrors) {
  {
    ScriptedServer server([&](int fd) {
      (void)read_login(fd);
      write_all(fd, packet(soup::PacketType::kSequencedData, test::order_delete(1, 1)));
      drain_until_closed(fd);
    });
    const SnapshotResult r = SnapshotClient(server.config()).fetch([](const std::uint8_t*, std::size_t) {});
    EXPECT_EQ(r.error, SnapshotError::kProtocol) << r.message;
  }
  ScriptedServer server([&](int fd) {
    (void)read_login(fd);
    Bytes stream = accepted("S");
    const Bytes g = packet(soup::PacketType::kSequencedData, Bytes{'G', '1'});
    stream.insert(stream.end(), g.begin(), g.end());
    write_all(fd, stream);
    drain_until_closed(fd);
  });
  const SnapshotResult r = SnapshotClient(server.config()).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kProtocol) << r.message;
  EXPECT_NE(r.message.find("malformed End of Snapshot"), std::string::npos) << r.message;

  ScriptedServer zero([&](int fd) {
    (void)read_login(fd);
    Bytes stream = accepted("S");
    const Bytes g = end_of_snapshot(0);  // MoldUDP64 starts at 1
    stream.insert(stream.end(), g.begin(), g.end());
    write_all(fd, stream);
    drain_until_closed(fd);
  });
  const SnapshotResult z = SnapshotClient(zero.config()).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(z.error, SnapshotError::kProtocol) << z.message;
  EXPECT_NE(z.message.find("sequence 0"), std::string::npos) << z.message;
}

TEST(SnapshotClient, ARefusedConnectionIsAConnectError) {
  // A port nobody listens on: bind one, then close it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof at;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&at), &size), 0);
  ::close(fd);
  SnapshotClientConfig config;
  config.server = {0x7F000001, ntohs(at.sin_port)};
  const SnapshotResult r = SnapshotClient(config).fetch([](const std::uint8_t*, std::size_t) {});
  EXPECT_EQ(r.error, SnapshotError::kConnect);
  EXPECT_NE(r.message.find("Connection refused"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("snapshot server 127.0.0.1:" + std::to_string(ntohs(at.sin_port))), std::string::npos)
      << r.message;
}

}  // namespace
}  // namespace tickwire::recovery
