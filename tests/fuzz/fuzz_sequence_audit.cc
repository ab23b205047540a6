// The sequence audit under arbitrary interleavings of sessions, messages and heartbeats;
// checks its invariants after every step.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "dataplane/feed/sequence_audit.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire::feed;
  auto audit = std::make_unique<SequenceAudit>();
  // Each step: 1 byte session and op, 2 bytes sequence offset.
  for (std::size_t i = 0; i + 3 <= size; i += 3) {
    tickwire::wire::Alpha<10> name{};
    char text[11];
    std::snprintf(text, sizeof text, "SESSION%03u", data[i] & 0x1F);
    name.set(text);
    const std::size_t s = audit->session(SessionId::from(name));
    if (s == SequenceAudit::kNoSession) continue;
    const std::uint64_t seq = 1000 + ((std::uint64_t{data[i + 1]} << 8) | data[i + 2]);
    if (data[i] & 0x80) {
      audit->on_next_expected(s, seq);
    } else {
      audit->on_message(s, seq);
    }
    const SequenceAudit::Session& st = audit->session_state(s);
    for (std::uint32_t h = 0; h < st.hole_count; ++h) {
      // Holes are sorted, disjoint, non-empty and below the next expected sequence.
      if (st.holes[h].first > st.holes[h].last || st.holes[h].last >= st.expected) std::abort();
      if (h > 0 && st.holes[h - 1].last >= st.holes[h].first) std::abort();
    }
  }
  return 0;
}
