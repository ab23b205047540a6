// GLIMPSE 5.0 snapshots: the state of a feed's books as the ITCH 5.0 messages that rebuild
// it, ended by an End of Snapshot message that says where the live MoldUDP64 feed resumes.
// A client that applies the snapshot through the ordinary BookBuilder, then the live
// messages from that sequence number on, ends with the books of a client that saw the
// whole day (recovery after a failure, and joining a session late).
//
// The writer turns a BookStore into the message stream (snapshot-server); SnapshotClient
// fetches one over SoupBinTCP 3.0 from a kernel TCP socket (book --snapshot). Both are
// control-plane code: they allocate and block; the books are still built by the data path's
// BookBuilder, which does not.
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "dataplane/book/book_store.h"
#include "dataplane/core/wire_field.h"
#include "dataplane/net/udp_filter.h"

namespace tickwire::recovery {

// GLIMPSE 5.0 End of Snapshot: not an ITCH message (no locate, tracking number or
// timestamp), only its type byte and sequence_number: the MoldUDP64 sequence number of the
// first TotalView-ITCH message the snapshot does not reflect, in ASCII digits.
struct EndOfSnapshot {
  static constexpr char kType = 'G';
  static constexpr std::size_t kLength = 21;
  wire::Alpha<1> message_type;
  wire::Alpha<20> sequence_number;
};
static_assert(sizeof(EndOfSnapshot) == EndOfSnapshot::kLength);

// A 'G' message's resume sequence; false when the bytes are not an End of Snapshot.
[[nodiscard]] bool parse_end_of_snapshot(const std::uint8_t* message, std::size_t length,
                                         std::uint64_t& resume_sequence) noexcept;

// What the snapshot says besides the books, kept by the BookBuilder rather than the store.
struct SnapshotMarketState {
  std::uint16_t feed = 0;           // whose instruments (a store may hold several feeds)
  char system_event = 0;            // the last System Event code (0: none seen)
  std::uint64_t timestamp_ns = 0;   // the books' last exchange time: every message carries it
};

// Receives each message of the snapshot (an ITCH 5.0 message, the last one the 'G'); false
// stops the snapshot there (a connection that failed, a fault drill).
using SnapshotSink = std::function<bool(const std::uint8_t* message, std::size_t length)>;

struct SnapshotWriteResult {
  std::uint64_t messages = 0;     // handed to the sink, End of Snapshot included
  std::uint64_t instruments = 0;
  std::uint64_t orders = 0;
  bool complete = false;          // the End of Snapshot went out
};

// The snapshot of `books` (one feed's instruments, in id order, so that a fresh store
// assigns the same ids): the System Events that bring a client's market session to
// `state.system_event`; per instrument a Stock Directory 'R', its Stock Trading Action 'H'
// and Reg SHO 'Y' when known; then every resting order as an Add Order 'A', level by level
// from the best price outwards, each level's orders in time priority so a client's queue
// positions are exact; finally 'G' with `resume_sequence`.
SnapshotWriteResult write_snapshot(const book::BookStore& books, const SnapshotMarketState& state,
                                   std::uint64_t resume_sequence, const SnapshotSink& sink);

// --- the client
struct SnapshotClientConfig {
  net::UdpEndpoint server;           // IPv4 address and TCP port
  std::string username;              // SoupBinTCP login (a test server takes any)
  std::string password;
  std::string session;               // requested session; empty: the current one
  int connect_timeout_ms = 5'000;
  int peer_timeout_ms = 15'000;      // SoupBinTCP: a server silent this long is gone
  int heartbeat_interval_ms = 1'000;  // SoupBinTCP: a client idle this long sends a heartbeat
  int deadline_ms = 0;               // the whole snapshot, login included; 0: no limit
  // Set by another thread to give up (a live join being stopped); checked every 100 ms.
  const std::atomic<bool>* cancel = nullptr;
};

enum class SnapshotError : std::uint8_t {
  kNone,
  kConnect,         // refused, unreachable, or no answer to the connection within its timeout
  kLoginRejected,
  kConnectionLost,  // closed or reset before the login was answered
  kTruncated,       // the connection ended after the login, before End of Snapshot
  kTimeout,         // the server fell silent, or the deadline passed
  kProtocol,        // bytes that are not SoupBinTCP, or a malformed login answer or 'G'
  kCancelled,       // the caller gave up (SnapshotClientConfig::cancel)
};

struct SnapshotResult {
  SnapshotError error = SnapshotError::kNone;
  std::string message;                // for a person: names the server and what happened
  std::string session;                // from Login Accepted (10 characters, padded)
  std::uint64_t resume_sequence = 0;  // from End of Snapshot
  std::uint64_t messages = 0;         // ITCH messages handed to the callback
  std::uint64_t heartbeats = 0;       // server heartbeats received
  std::uint64_t debug_packets = 0;
  std::uint64_t ignored_packets = 0;  // unsequenced data, unknown types
  std::uint64_t bytes = 0;
  std::uint64_t elapsed_ns = 0;       // connect to End of Snapshot (or to the failure)
  [[nodiscard]] bool ok() const noexcept { return error == SnapshotError::kNone; }
};

// Blocking: connects, logs in, hands each snapshot message to the callback in order, and
// returns at End of Snapshot (after a Logout Request) or at the first failure.
class SnapshotClient {
 public:
  using MessageCallback = std::function<void(const std::uint8_t* message, std::size_t length)>;
  explicit SnapshotClient(SnapshotClientConfig config) : config_(std::move(config)) {}
  [[nodiscard]] SnapshotResult fetch(const MessageCallback& on_message) const;
  // "snapshot server A.B.C.D:PORT", the prefix of every error message.
  [[nodiscard]] std::string server_name() const;

 private:
  SnapshotClientConfig config_;
};

}  // namespace tickwire::recovery
