// SoupBinTCP 3.0 (NASDAQ), the TCP session layer GLIMPSE snapshots travel on: every packet
// is packet_length (2 bytes, big-endian, counting the type byte and the payload), then
// packet_type (1 byte), then the payload. Framing, the login packets, and an incremental
// decoder that accepts the byte stream in whatever chunks the kernel hands over.
//
// Control plane only (it allocates); bad input is a counted error with a reason, never an
// exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "dataplane/core/wire_field.h"

namespace tickwire::recovery::soupbintcp {

// SoupBinTCP 3.0, section 2: the packet types of both directions.
enum class PacketType : char {
  kDebug = '+',             // either side: text, ignored by the protocol
  kLoginAccepted = 'A',     // server
  kLoginRejected = 'J',     // server
  kSequencedData = 'S',     // server: one higher-level message (here an ITCH 5.0 message)
  kUnsequencedData = 'U',   // either side
  kServerHeartbeat = 'H',   // server
  kEndOfSession = 'Z',      // server
  kLoginRequest = 'L',      // client
  kClientHeartbeat = 'R',   // client
  kLogoutRequest = 'O',     // client
};

// Login Rejected reject_reason_code values.
inline constexpr char kRejectNotAuthorized = 'A';
inline constexpr char kRejectSessionNotAvailable = 'S';

// Timers of the spec: a side that has sent nothing for 1 s sends a heartbeat; a peer silent
// for 15 s is gone.
inline constexpr int kHeartbeatIntervalMs = 1000;
inline constexpr int kPeerTimeoutMs = 15'000;

// packet_length covers the type byte: 1 (an empty packet) to 65535.
inline constexpr std::size_t kMaxPacketLength = 0xFFFF;

struct PacketHeader {
  wire::U16 packet_length;
  wire::Alpha<1> packet_type;
};
static_assert(sizeof(PacketHeader) == 3);

// Client to server, 'L'. Alpha fields left-justified and space padded; the numeric one is
// ASCII digits, right-justified and space padded on the left.
struct LoginRequest {
  wire::Alpha<6> username;
  wire::Alpha<10> password;
  wire::Alpha<10> requested_session;           // all spaces: any (the current) session
  wire::Alpha<20> requested_sequence_number;   // "1": from the start; "0": from the newest
};
static_assert(sizeof(LoginRequest) == 46);

// Server to client, 'A'.
struct LoginAccepted {
  wire::Alpha<10> session;
  wire::Alpha<20> sequence_number;  // of the next sequenced message the server will send
};
static_assert(sizeof(LoginAccepted) == 30);

// Server to client, 'J'.
struct LoginRejected {
  wire::Alpha<1> reject_reason_code;
};
static_assert(sizeof(LoginRejected) == 1);

// --- numeric ASCII fields
// Right-justified, space padded on the left. False when `value` has more digits than fit.
template <std::size_t N>
bool set_numeric(wire::Alpha<N>& field, std::uint64_t value) noexcept {
  char digits[20];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && n < sizeof digits);
  if (value != 0 || n > N) return false;
  for (std::size_t i = 0; i < N; ++i) field.chars[i] = i < N - n ? ' ' : digits[N - 1 - i];
  return true;
}
// Leading spaces, at least one digit, then only digits (trailing spaces are tolerated).
// nullopt otherwise (blank, a sign, a letter, a space between digits, a value past 2^64).
[[nodiscard]] std::optional<std::uint64_t> parse_numeric(std::string_view text) noexcept;

// --- encoding
// Appends one packet. False (nothing appended) when the payload does not fit the length field.
bool append_packet(std::vector<std::uint8_t>& out, PacketType type, std::span<const std::uint8_t> payload = {});
// A wire struct (LoginRequest, LoginAccepted, an ITCH view) as the payload.
template <class Payload>
  requires(std::is_trivially_copyable_v<Payload> && alignof(Payload) == 1)
bool append_packet(std::vector<std::uint8_t>& out, PacketType type, const Payload& payload) {
  return append_packet(out, type,
                       std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&payload), sizeof payload));
}

[[nodiscard]] LoginRequest make_login_request(std::string_view username, std::string_view password,
                                              std::string_view requested_session, std::uint64_t requested_sequence);
[[nodiscard]] LoginAccepted make_login_accepted(std::string_view session, std::uint64_t sequence_number);

// --- decoding of the login payloads (false: wrong length or a bad numeric field)
struct LoginRequestFields {
  std::string username;            // trailing spaces removed
  std::string password;
  std::string requested_session;   // empty: any
  std::uint64_t requested_sequence_number = 0;
};
[[nodiscard]] bool parse_login_request(std::span<const std::uint8_t> payload, LoginRequestFields& out);
struct LoginAcceptedFields {
  std::string session;  // as sent, 10 characters (spaces kept: the MoldUDP64 session name is padded the same way)
  std::uint64_t sequence_number = 0;
};
[[nodiscard]] bool parse_login_accepted(std::span<const std::uint8_t> payload, LoginAcceptedFields& out);

// One complete packet; `payload` points into the decoder's buffer and is valid until the
// next append().
struct Packet {
  char type = 0;
  std::span<const std::uint8_t> payload;
};

enum class DecodeStatus : std::uint8_t {
  kPacket,     // `packet` is set
  kNeedMore,   // no complete packet buffered
  kBadLength,  // the stream is unusable from here (framing lost): see error()
};

// Reassembles packets from a TCP byte stream delivered in arbitrary chunks.
class PacketDecoder {
 public:
  // A packet_length of 0 (no type byte) or above `max_packet_length` is a framing error: the
  // peer is not speaking SoupBinTCP, or the stream is corrupt; either way nothing after it
  // can be trusted.
  explicit PacketDecoder(std::size_t max_packet_length = kMaxPacketLength) noexcept
      : max_packet_length_(max_packet_length) {}

  void append(const std::uint8_t* data, std::size_t size);
  DecodeStatus next(Packet& packet) noexcept;

  [[nodiscard]] bool failed() const noexcept { return !error_.empty(); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Bytes of a packet not complete yet (what a connection that ends now cuts off).
  [[nodiscard]] std::size_t pending_bytes() const noexcept { return buffer_.size() - read_; }
  [[nodiscard]] std::uint64_t packets() const noexcept { return packets_; }
  [[nodiscard]] std::uint64_t bad_lengths() const noexcept { return bad_lengths_; }

 private:
  std::size_t max_packet_length_;
  std::vector<std::uint8_t> buffer_;
  std::size_t read_ = 0;  // start of the first packet not handed out yet
  std::uint64_t packets_ = 0;
  std::uint64_t bad_lengths_ = 0;
  std::string error_;
};

}  // namespace tickwire::recovery::soupbintcp
