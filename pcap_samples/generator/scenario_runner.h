// One-call entry points: a scenario into memory or into files, with its sidecar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pcap_samples/generator/mold_packetizer.h"
#include "pcap_samples/generator/scenario_config.h"
#include "pcap_samples/generator/scenario_generator.h"

namespace tickwire::generator {

enum class OutputFormat : std::uint8_t { kBinaryFile, kPcap };

// From a file name: .pcap / .pcap.gz -> pcap, anything else (.itch, .bin, .gz) -> BinaryFILE.
[[nodiscard]] OutputFormat format_from_path(const std::string& path) noexcept;

struct RunResult {
  GenerationReport report;
  InjectionLog injections;
  PacketizerStats packets;  // pcap only
  std::string sidecar;      // JSON lines
};

// Each returns an empty string on success, else the reason.
[[nodiscard]] std::string generate_to_memory(const ScenarioConfig& config, OutputFormat format,
                                             std::vector<std::uint8_t>& out, RunResult* result = nullptr);
// `out_path` gets gzip when it ends in .gz; `sidecar_path` may be empty (none written).
[[nodiscard]] std::string generate_to_file(const ScenarioConfig& config, OutputFormat format, const std::string& out_path,
                                           const std::string& sidecar_path, RunResult* result = nullptr);
// A BinaryFILE in memory, the form benchmarks replay.
[[nodiscard]] inline std::string generate_binary_file(const ScenarioConfig& config, std::vector<std::uint8_t>& out,
                                                      RunResult* result = nullptr) {
  return generate_to_memory(config, OutputFormat::kBinaryFile, out, result);
}

}  // namespace tickwire::generator
