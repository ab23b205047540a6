// One ITCH message from its block to the sink: validate, count, dispatch. Shared by the
// MoldUDP64 path and the BinaryFILE path so both count and reject exactly alike.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/feed/message_context.h"
#include "dataplane/itch/decoder.h"
#include "dataplane/metrics/feed_counters.h"

namespace tickwire::feed {

// Calls sink(ctx, const Msg&) for a valid message. Returns false (and counts why) otherwise.
template <class Sink>
[[gnu::always_inline]] inline bool deliver_message(const std::uint8_t* p, std::size_t length,
                                                   const MessageContext& ctx, Sink& sink,
                                                   metrics::FeedCounters& counters) noexcept {
  const itch::DecodeStatus status =
      itch::decode_message(p, length, [&](const auto& message) { sink(ctx, message); });
  if (TW_LIKELY(status == itch::DecodeStatus::kOk)) {
    ++counters.messages;
    ++counters.messages_by_type[itch::type_index(p[0])];
    return true;
  }
  counters.drop(status == itch::DecodeStatus::kEmpty         ? metrics::DropReason::kEmptyMessageBlock
                : status == itch::DecodeStatus::kUnknownType ? metrics::DropReason::kUnknownMessageType
                                                             : metrics::DropReason::kMessageLengthMismatch);
  return false;
}

}  // namespace tickwire::feed
