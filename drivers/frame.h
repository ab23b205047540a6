// A received link-layer frame, as every packet source hands it to the decoder.
#pragma once

#include <cstdint>

#include "dataplane/net/udp_frame.h"

namespace tickwire::drivers {

struct Frame {
  const std::uint8_t* data = nullptr;
  std::uint32_t captured_length = 0;
  std::uint64_t receive_time_ns = 0;  // capture time (ns since the epoch) or port RX time
  net::LinkType link = net::LinkType::kEthernet;
};

}  // namespace tickwire::drivers
