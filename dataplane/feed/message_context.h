// What travels with each decoded ITCH message besides its bytes.
#pragma once

#include <cstdint>

#include "dataplane/feed/sequence_audit.h"

namespace tickwire::feed {

struct MessageContext {
  static constexpr std::uint32_t kUntrackedSession = ~std::uint32_t{0};

  std::uint64_t sequence = 0;         // MoldUDP64 sequence number; 0 when not sequenced
  std::uint64_t receive_time_ns = 0;  // capture time in replay, NIC/TSC time live
  std::uint32_t session = 0;          // index in the decoder's session table
  SequenceVerdict verdict = SequenceVerdict::kNew;
  bool sequenced = false;             // came from MoldUDP64 (has a sequence number)
  // It filled a hole late (recovery, or the other line after a wait): its receive time says
  // when the fill came, not when it was sent, so it is no evidence for clock checks.
  bool filled_hole = false;
};

}  // namespace tickwire::feed
