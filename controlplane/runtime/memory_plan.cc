#include "controlplane/runtime/memory_plan.h"

#include <bit>

#include "dataplane/sched/worker_output.h"

namespace tickwire::runtime {

namespace {
std::uint64_t ring_bytes(std::uint64_t records, std::uint64_t record_size) {
  return std::bit_ceil(std::max<std::uint64_t>(2, records)) * record_size;
}
}  // namespace

std::uint64_t MemoryPlan::total() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& [name, bytes] : parts) sum += bytes;
  return sum;
}

std::string MemoryPlan::describe() const {
  std::string text = std::to_string(total() >> 20) + " MiB (";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i != 0) text += ", ";
    text += parts[i].first + " " + std::to_string(parts[i].second >> 20) + " MiB";
  }
  return text + ")";
}

MemoryPlan plan_memory(const config::AppConfig& config, std::uint64_t book_bytes) {
  MemoryPlan plan;
  plan.parts.emplace_back("books (book.*)", book_bytes);
  const std::uint64_t instruments = config.book.max_instruments + 1;
  const std::uint64_t pipelines = config.workers == 0 ? 1 : config.workers;
  // The built-in detector keeps a window and a clock per instrument; a plugin says nothing
  // about its state, so it is not counted.
  std::uint64_t stage_bytes = 0;
  for (const config::StageSpec& s : config.stages) {
    if (s.name == config::kBuiltInStage) stage_bytes += instruments * 48;
  }
  plan.parts.emplace_back("stages (pipeline.stages)", stage_bytes * pipelines);
  if (config.workers != 0) {
    std::uint64_t per_worker = 0;
    for (const std::size_t events : config.worker.inbox.capacity) {
      const std::uint64_t slots = std::bit_ceil(std::max<std::uint64_t>(2, events));
      // The ring, and the scheduler's per-slot chain link and run-early bit.
      per_worker += slots * sizeof(events::Event) + slots * 8 + slots / 8;
    }
    per_worker += instruments * sched::kPriorityClassCount * 16;  // per-instrument chains
    per_worker += ring_bytes(config.worker.output_capacity, sizeof(sched::OutputRecord));
    plan.parts.emplace_back("worker rings (workers.*)", per_worker * config.workers);
  }
  return plan;
}

}  // namespace tickwire::runtime
