// The sequencer under arbitrary packets from two lines (overlaps, repeats, heartbeats, ends
// of session, truncated blocks, time going back). After every step: what was delivered
// rises by exactly one each time, and no sequence number is both delivered and declared lost.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "dataplane/feed/sequencer.h"

namespace {

struct Checker {
  bool started = false;
  std::uint64_t next = 0;
  void on_message(const tickwire::feed::MessageContext& ctx, const std::uint8_t*, std::size_t) {
    if (started && ctx.sequence != next) std::abort();
    started = true;
    next = ctx.sequence + 1;
  }
  void on_gap(const tickwire::feed::SessionId&, tickwire::feed::SequenceRange lost, tickwire::feed::GapCause) {
    if (lost.first > lost.last) std::abort();
    if (started && lost.first != next) std::abort();  // a gap is exactly what comes next
    started = true;
    next = lost.last + 1;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickwire::feed;
  Checker checker;
  auto seq = std::make_unique<Sequencer<Checker>>(SequencerConfig{1000, 16, 256}, checker);
  std::uint64_t now = 0;
  // Each step: 1 byte flags (line, kind, truncation), 1 byte sequence offset, 1 byte count,
  // 1 byte time step.
  for (std::size_t i = 0; i + 4 <= size; i += 4) {
    const unsigned line = data[i] & 1;
    const unsigned kind = (data[i] >> 1) & 3;  // 0-1 data, 2 heartbeat, 3 end of session
    const bool cut = data[i] & 0x08;
    const std::uint64_t first = 100 + data[i + 1];
    const unsigned count = kind >= 2 ? (kind == 2 ? 0u : 0xFFFFu) : (data[i + 2] % 8) + 1;
    now += data[i + 3] * 37;
    if (data[i] & 0x80) now -= std::min<std::uint64_t>(now, 500);  // time may go back
    std::vector<std::uint8_t> p(20);
    std::memcpy(p.data(), "FUZZSESS01", 10);
    for (int b = 0; b < 8; ++b) p[10 + b] = static_cast<std::uint8_t>(first >> (56 - 8 * b));
    p[18] = static_cast<std::uint8_t>(count >> 8);
    p[19] = static_cast<std::uint8_t>(count);
    if (kind < 2) {
      for (unsigned m = 0; m < count; ++m) {
        p.push_back(0);
        p.push_back(12);
        const std::uint8_t msg[12] = {'S', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'O'};
        p.insert(p.end(), msg, msg + 12);
      }
      if (cut && count > 1) p.resize(p.size() - 5);
    }
    seq->on_packet(p.data(), static_cast<std::uint32_t>(p.size()), now, line);
    seq->poll(now);
  }
  seq->finish();
  if (seq->hole_open()) std::abort();
  return 0;
}
