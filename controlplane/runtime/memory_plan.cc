#include "controlplane/runtime/memory_plan.h"

#include <bit>

#include "dataplane/patterns/market_state.h"
#include "dataplane/patterns/market_update.h"
#include "dataplane/patterns/pattern_engine.h"
#include "dataplane/patterns/pattern_signal.h"
#include "dataplane/patterns/security_directory.h"
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

MemoryPlan plan_pattern_memory(const config::AppConfig& config, std::size_t feeds) {
  MemoryPlan plan;
  if (config.pattern_tables.empty()) return plan;
  const config::PatternsConfig& pc = config.patterns;
  const std::uint64_t instruments = config.book.max_instruments;
  std::uint64_t rings = feeds * ring_bytes(pc.ring_updates, sizeof(patterns::MarketUpdate));
  // Live, each feed's tap keeps one waiting top per instrument.
  rings += feeds * instruments * (sizeof(patterns::MarketUpdate) + 2 * sizeof(std::uint64_t));
  plan.parts.emplace_back("pattern rings (patterns.ring_updates)", rings);
  // Each pattern thread: the security directory, the market state, the watch lists, the
  // batch's buffers and the output ring. (The instances' own windows are not counted: a few
  // KiB each, sized by their parameters.)
  const std::uint64_t securities = pc.max_securities;
  const patterns::EngineConfig engine;
  std::uint64_t per_thread = securities * (sizeof(patterns::Symbol) + sizeof(patterns::SecurityState) + 4 + 8 + 4);
  per_thread += std::bit_ceil(securities * 2 + 2) * 4 + feeds * instruments * 4;
  per_thread += ring_bytes(pc.output_records, sizeof(patterns::PatternSignal));
  per_thread += engine.batch_signals * (sizeof(patterns::PatternSignal) + 1) +
                engine.batch_securities * (sizeof(patterns::MarketUpdate) + 4);
  const std::uint64_t threads = std::max<std::uint32_t>(1, pc.workers);
  plan.parts.emplace_back("pattern threads (patterns.max_securities, patterns.workers)", per_thread * threads);
  return plan;
}

}  // namespace tickwire::runtime
