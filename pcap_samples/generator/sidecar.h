// The sidecar: one flat JSON object per line (string and integer values only) listing
// exactly what a scenario injected, for tests to compare a receiver's view against.
//
//   {"kind":"scenario", seed, messages, symbols, session, date, format, lines, line_a, ...}
//   {"kind":"halt", stock, stock_locate, state, reason, start/end timestamp and seq}
//   {"kind":"burst", start/end timestamp, multiplier, first_seq, last_seq}
//   {"kind":"timestamp_anomaly", seq, direction, expected_timestamp, written_timestamp}
//   {"kind":"gap"|"duplicate"|"reorder"|"truncate"|"corrupt_ip_checksum"|
//    "corrupt_block_length", line, session, first_seq, last_seq, lost_first, lost_last, ...}
//   {"kind":"summary", messages, last_seq, data_packets, heartbeats, lost_messages_a/_b}
//
// A line's lost messages are exactly the union of its records' lost_first..lost_last:
// every other sequence number reaches a receiver at least once on that line.
//
// Timestamps are ITCH nanoseconds since midnight; sequence numbers are MoldUDP64's (the
// message's 1-based position in the day, also for BinaryFILE output).
#pragma once

#include <string>

#include "pcap_samples/generator/mold_packetizer.h"
#include "pcap_samples/generator/pcap_writer.h"
#include "pcap_samples/generator/scenario_generator.h"

namespace tickwire::generator {

// `packetizer` and `pcap` are null for BinaryFILE output.
[[nodiscard]] std::string sidecar_jsonl(const ScenarioGenerator& generator, const MoldPacketizer* packetizer,
                                        const PcapWriter* pcap);

[[nodiscard]] std::string format_endpoint(const Endpoint& e);

}  // namespace tickwire::generator
