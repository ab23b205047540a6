#include "pcap_samples/generator/scenario_runner.h"

#include <cstdio>
#include <memory>

#include "pcap_samples/generator/binary_file_sink.h"
#include "pcap_samples/generator/byte_output.h"
#include "pcap_samples/generator/pcap_writer.h"
#include "pcap_samples/generator/sidecar.h"

namespace tickwire::generator {

namespace {

std::string run(const ScenarioConfig& config, OutputFormat format, ByteOutput& output, RunResult* result) {
  std::string error;
  auto generator = ScenarioGenerator::create(config, error);
  if (!generator) return error;
  std::string sidecar;
  PacketizerStats packet_stats;
  if (format == OutputFormat::kBinaryFile) {
    BinaryFileSink sink(output);
    generator->run(sink);
    if (!sink.ok() || !output.close()) return output.error();
    sidecar = sidecar_jsonl(*generator, nullptr, nullptr);
  } else {
    PcapWriter writer(generator->config(), output);
    MoldPacketizer packetizer(generator->config(), writer);
    generator->run(packetizer);
    if (!writer.ok()) return output.error();
    packet_stats = packetizer.stats();
    sidecar = sidecar_jsonl(*generator, &packetizer, &writer);
  }
  if (result != nullptr) {
    result->report = generator->report();
    result->injections = generator->injections();
    result->packets = packet_stats;
    result->sidecar = std::move(sidecar);
  }
  return {};
}

}  // namespace

OutputFormat format_from_path(const std::string& path) noexcept {
  return ends_with(path, ".pcap") || ends_with(path, ".pcap.gz") ? OutputFormat::kPcap : OutputFormat::kBinaryFile;
}

std::string generate_to_memory(const ScenarioConfig& config, OutputFormat format, std::vector<std::uint8_t>& out,
                               RunResult* result) {
  out.clear();
  VectorOutput output(out);
  return run(config, format, output, result);
}

std::string generate_to_file(const ScenarioConfig& config, OutputFormat format, const std::string& out_path,
                             const std::string& sidecar_path, RunResult* result) {
  std::string error;
  auto output = open_file_output(out_path, error);
  if (!output) return error;
  RunResult local;
  RunResult* r = result != nullptr ? result : &local;
  error = run(config, format, *output, r);
  if (!error.empty()) return error;
  if (!sidecar_path.empty()) {
    std::FILE* f = std::fopen(sidecar_path.c_str(), "wb");
    if (f == nullptr) return sidecar_path + ": cannot create";
    const bool written = std::fwrite(r->sidecar.data(), 1, r->sidecar.size(), f) == r->sidecar.size();
    if (std::fclose(f) != 0 || !written) return sidecar_path + ": write failed";
  }
  return {};
}

}  // namespace tickwire::generator
