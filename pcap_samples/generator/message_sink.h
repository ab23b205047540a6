// Where generated ITCH messages go: one call per message, in sequence order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tickwire::generator {

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // `message` is one complete ITCH 5.0 message (valid only during the call); `timestamp`
  // is the ITCH timestamp written in it (nanoseconds since midnight Eastern). The message's
  // sequence number is the number of calls so far, counting this one.
  virtual void on_message(const std::uint8_t* message, std::size_t length, std::uint64_t timestamp) = 0;
  // After the last message.
  virtual void on_end() {}
};

}  // namespace tickwire::generator
