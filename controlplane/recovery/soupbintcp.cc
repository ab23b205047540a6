#include "controlplane/recovery/soupbintcp.h"

namespace tickwire::recovery::soupbintcp {

std::optional<std::uint64_t> parse_numeric(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i == text.size()) return std::nullopt;
  std::uint64_t value = 0;
  for (; i < text.size() && text[i] != ' '; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (~std::uint64_t{0} - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  // The spec pads on the left; a peer that pads on the right is understood too.
  for (; i < text.size(); ++i) {
    if (text[i] != ' ') return std::nullopt;
  }
  return value;
}

bool append_packet(std::vector<std::uint8_t>& out, PacketType type, std::span<const std::uint8_t> payload) {
  const std::size_t length = payload.size() + 1;
  if (length > kMaxPacketLength) return false;
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  out.push_back(static_cast<std::uint8_t>(type));
  out.insert(out.end(), payload.begin(), payload.end());
  return true;
}

LoginRequest make_login_request(std::string_view username, std::string_view password,
                                std::string_view requested_session, std::uint64_t requested_sequence) {
  LoginRequest r{};
  r.username.set(username);
  r.password.set(password);
  r.requested_session.set(requested_session);
  (void)set_numeric(r.requested_sequence_number, requested_sequence);  // 20 digits hold any 64-bit value
  return r;
}

LoginAccepted make_login_accepted(std::string_view session, std::uint64_t sequence_number) {
  LoginAccepted a{};
  a.session.set(session);
  (void)set_numeric(a.sequence_number, sequence_number);
  return a;
}

bool parse_login_request(std::span<const std::uint8_t> payload, LoginRequestFields& out) {
  if (payload.size() != sizeof(LoginRequest)) return false;
  const auto& r = wire::view_as<LoginRequest>(payload.data());
  const auto sequence = parse_numeric(r.requested_sequence_number.raw());
  if (!sequence) return false;
  out.username = std::string(r.username.trimmed());
  out.password = std::string(r.password.trimmed());
  out.requested_session = std::string(r.requested_session.trimmed());
  out.requested_sequence_number = *sequence;
  return true;
}

bool parse_login_accepted(std::span<const std::uint8_t> payload, LoginAcceptedFields& out) {
  if (payload.size() != sizeof(LoginAccepted)) return false;
  const auto& a = wire::view_as<LoginAccepted>(payload.data());
  const auto sequence = parse_numeric(a.sequence_number.raw());
  if (!sequence) return false;
  out.session = std::string(a.session.raw());
  out.sequence_number = *sequence;
  return true;
}

void PacketDecoder::append(const std::uint8_t* data, std::size_t size) {
  if (failed() || size == 0) return;
  // Drop what was handed out already once it is most of the buffer: a stream of small
  // packets then costs a few moves, not one per packet.
  if (read_ != 0 && read_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_));
    read_ = 0;
  }
  buffer_.insert(buffer_.end(), data, data + size);
}

DecodeStatus PacketDecoder::next(Packet& packet) noexcept {
  if (failed()) return DecodeStatus::kBadLength;
  const std::size_t available = buffer_.size() - read_;
  if (available < sizeof(wire::U16)) return DecodeStatus::kNeedMore;
  const std::size_t length = wire::view_as<wire::U16>(buffer_.data() + read_).value();
  if (length == 0 || length > max_packet_length_) {
    ++bad_lengths_;
    error_ = "bad SoupBinTCP packet length " + std::to_string(length) +
             (length == 0 ? " (a packet has at least its type byte)"
                          : " (at most " + std::to_string(max_packet_length_) + " expected here)") +
             " after " + std::to_string(packets_) + " packets";
    return DecodeStatus::kBadLength;
  }
  if (available < sizeof(wire::U16) + length) return DecodeStatus::kNeedMore;
  const std::uint8_t* p = buffer_.data() + read_ + sizeof(wire::U16);
  packet.type = static_cast<char>(p[0]);
  packet.payload = std::span<const std::uint8_t>(p + 1, length - 1);
  read_ += sizeof(wire::U16) + length;
  ++packets_;
  return DecodeStatus::kPacket;
}

}  // namespace tickwire::recovery::soupbintcp
