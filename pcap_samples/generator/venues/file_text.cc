#include "pcap_samples/generator/venues/file_text.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tickwire::generator::venues {

namespace {

constexpr std::uint64_t kPrice4Scale = 10'000;
constexpr std::uint64_t kPrice8Scale = 100'000'000;

}  // namespace

std::string endpoint_text(const Endpoint& e) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", e.ip >> 24, (e.ip >> 16) & 0xFF, (e.ip >> 8) & 0xFF, e.ip & 0xFF,
                e.port);
  return buf;
}

std::string price4_text(std::int64_t v) {
  char buf[40];
  const bool negative = v < 0;
  const std::uint64_t m = negative ? static_cast<std::uint64_t>(-v) : static_cast<std::uint64_t>(v);
  std::snprintf(buf, sizeof buf, "%s%llu.%04llu", negative ? "-" : "", static_cast<unsigned long long>(m / kPrice4Scale),
                static_cast<unsigned long long>(m % kPrice4Scale));
  return buf;
}

std::string price8_text(std::uint64_t v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%08llu", static_cast<unsigned long long>(v / kPrice8Scale),
                static_cast<unsigned long long>(v % kPrice8Scale));
  return buf;
}

std::string names_json(const MarketModel& model, const std::vector<std::uint32_t>& ids) {
  std::string out = "[";
  for (std::size_t k = 0; k < ids.size(); ++k) {
    out += (k == 0 ? "\"" : ",\"") + model.securities()[ids[k]].symbol + "\"";
  }
  return out + "]";
}

std::string names_toml(const MarketModel& model, const std::vector<std::uint32_t>& ids) {
  std::string out = "[";
  for (std::size_t k = 0; k < ids.size(); ++k) {
    out += (k == 0 ? "\"" : ", \"") + model.securities()[ids[k]].symbol + "\"";
  }
  return out + "]";
}

std::string venue_jsonl(const VenueSpec& spec, const VenueStats& stats) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"type\":\"venue\",\"feed\":\"%s\",\"file\":\"%s.pcap\",\"session\":\"%s\",\"group\":\"%s\","
                "\"messages\":%llu,\"trades\":%llu}\n",
                spec.name.c_str(), spec.name.c_str(), spec.session.c_str(), endpoint_text(spec.group).c_str(),
                static_cast<unsigned long long>(stats.messages), static_cast<unsigned long long>(stats.trades));
  return buf;
}

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string write_text(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return path + ": cannot create (" + std::strerror(errno) + ")";
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written) return path + ": write failed";
  return {};
}

}  // namespace tickwire::generator::venues
