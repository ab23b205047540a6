// How long a cache line takes to go from one core to another: a line written on one core and
// then read on the other. Every event record and ring index the RX core hands a worker
// crosses once, so this latency, not the pipeline's code, sets what routing to a worker
// costs on a given machine (tens of ns between cores sharing an L3; far more across
// sockets, chiplets or a hypervisor's vCPUs). `bench pipeline` prints it beside its figures.
#pragma once

#include <cstdint>
#include <optional>

namespace tickwire::bench {

// A ping-pong of one line each way between the calling thread, pinned to `cpu_a` for the
// measurement (its CPUs are given back after), and a thread pinned to `cpu_b`: `round_trips`
// in batches of 1,000, half a round trip in ns, the median batch's (a platform interruption
// spoils a batch, not the figure). Nothing when either CPU is not ours; then no round trip is run.
std::optional<double> measure_core_to_core_ns(int cpu_a, int cpu_b, std::uint64_t round_trips);

}  // namespace tickwire::bench
