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
  if (n != 0) rte_pktmbuf_free_bulk(mbufs, n);
  return n;
}

}  // namespace tickwire::drivers
