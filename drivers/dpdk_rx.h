// The poll-mode receive step: a burst of mbufs from a port straight into a frame decoder,
// read in place, then freed. Header-only so the decoder's per-frame work inlines.
#pragma once

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include <cstdint>

#include "dataplane/metrics/feed_counters.h"
#include "drivers/dpdk_port.h"

namespace tickwire::drivers {

inline constexpr std::uint16_t kRxBurst = 32;

// Returns the number of frames received. `receive_time_ns` stamps the whole burst: one TSC
// read per burst, not per packet.
template <class FrameDecoder>
inline std::uint16_t receive_burst(DpdkPort& port, FrameDecoder& decoder, metrics::FeedCounters& counters,
                                   std::uint64_t receive_time_ns) noexcept {
  rte_mbuf* mbufs[kRxBurst];
  const std::uint16_t n = port.rx_burst(mbufs, kRxBurst);
  // A decoder that builds books lists the burst's messages first, to prefetch ahead of the
  // one it applies; a burst of one frame is applied at once (no latency added when quiet).
  constexpr bool kLooksAhead = requires { decoder.begin_look_ahead(); };
  const bool looking_ahead = kLooksAhead && n > 1;
  if constexpr (kLooksAhead) {
    if (looking_ahead) {
      decoder.begin_look_ahead();
      for (std::uint16_t i = 0; i < n; ++i) {
        if (mbufs[i]->nb_segs == 1) {
          decoder.look_ahead(rte_pktmbuf_mtod(mbufs[i], const std::uint8_t*), mbufs[i]->data_len,
                             net::LinkType::kEthernet);
        }
      }
    }
  }
  for (std::uint16_t i = 0; i < n; ++i) {
    if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(mbufs[i + 1], const void*));
    const rte_mbuf* m = mbufs[i];
    if (TW_UNLIKELY(m->nb_segs != 1)) {
      ++counters.packets;
      counters.bytes += m->pkt_len;
      counters.drop(metrics::DropReason::kMultiSegmentFrame);
      continue;
    }
    decoder.on_frame(rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len, net::LinkType::kEthernet,
                     receive_time_ns);
  }
  if constexpr (kLooksAhead) {
    if (looking_ahead) decoder.end_look_ahead();  // before the frames it listed are freed
  }
  if (n != 0) rte_pktmbuf_free_bulk(mbufs, n);
  return n;
}

}  // namespace tickwire::drivers
