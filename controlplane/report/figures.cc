#include "controlplane/report/figures.h"

#include <cinttypes>

#include "controlplane/format/text_buffer.h"

namespace tickwire::report {

void Figures::add_percent(std::string key, std::uint64_t part, std::uint64_t whole) {
  const double share = whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  entries_.push_back({std::move(key), share});
}

void Figures::add_histogram(const std::string& name, const metrics::LatencyHistogram& h) {
  add(name + ".count", h.count());
  for (const PercentileName& p : kReportedPercentiles) add(name + "." + std::string(p.suffix), h.percentile(p.percentile));
  add(name + ".max_ns", h.max());
}

void Figures::append(const Figures& other, const std::string& prefix) {
  for (const Entry& e : other.entries_) entries_.push_back({prefix + e.key, e.value});
}

const Figures::Entry* Figures::find(std::string_view key) const noexcept {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::uint64_t Figures::count(std::string_view key) const noexcept {
  const Entry* e = find(key);
  if (e == nullptr) return 0;
  const auto* v = std::get_if<std::uint64_t>(&e->value);
  return v == nullptr ? 0 : *v;
}

void Figures::print(std::FILE* out) const {
  for (const Entry& e : entries_) {
    if (const auto* n = std::get_if<std::uint64_t>(&e.value)) {
      std::fprintf(out, "%-44s %" PRIu64 "\n", e.key.c_str(), *n);
    } else if (const auto* d = std::get_if<double>(&e.value)) {
      std::fprintf(out, "%-44s %.1f\n", e.key.c_str(), *d);
    } else {
      std::fprintf(out, "%-44s %s\n", e.key.c_str(), std::get<std::string>(e.value).c_str());
    }
  }
}

std::string Figures::json() const {
  std::string text = "{";
  format::TextBuffer escaped(nullptr);
  for (const Entry& e : entries_) {
    if (text.size() > 1) text += ',';
    escaped.clear();
    escaped.put_json_escaped(e.key);
    text += "\"" + std::string(escaped.text()) + "\":";
    if (const auto* n = std::get_if<std::uint64_t>(&e.value)) {
      text += std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&e.value)) {
      char number[32];
      std::snprintf(number, sizeof number, "%.1f", *d);
      text += number;
    } else {
      escaped.clear();
      escaped.put_json_escaped(std::get<std::string>(e.value));
      text += "\"" + std::string(escaped.text()) + "\"";
    }
  }
  return text + "}\n";
}

}  // namespace tickwire::report
