#include "controlplane/format/message_writer.h"

#include <algorithm>

namespace tickwire::format {

std::optional<OutputFormat> parse_output_format(std::string_view s) noexcept {
  if (s == "jsonl" || s == "json") return OutputFormat::kJsonl;
  if (s == "csv") return OutputFormat::kCsv;
  if (s == "text") return OutputFormat::kText;
  if (s == "none") return OutputFormat::kNone;
  return std::nullopt;
}

namespace {
template <class... M>
struct CollectColumns {
  static void run(std::vector<std::string_view>& columns,
                  std::array<std::vector<std::uint16_t>, itch::kMessageTypeCount>& map) {
    (collect<M>(columns, map), ...);
  }
  template <class Message>
  static void collect(std::vector<std::string_view>& columns,
                      std::array<std::vector<std::uint16_t>, itch::kMessageTypeCount>& map) {
    const Message blank{};
    auto& positions = map[itch::type_index(static_cast<std::uint8_t>(Message::kType))];
    blank.for_each_field([&](std::string_view name, const auto&) {
      auto it = std::find(columns.begin(), columns.end(), name);
      if (it == columns.end()) it = columns.insert(columns.end(), name);
      positions.push_back(static_cast<std::uint16_t>(it - columns.begin()));
    });
  }
};
}  // namespace

CsvLayout::CsvLayout() { itch::AllMessages<CollectColumns>::run(columns_, field_columns_); }

MessageWriter::MessageWriter(std::FILE* out, OutputFormat format) : format_(format), out_(out) {
  if (format_ == OutputFormat::kCsv) write_csv_header();
}

void MessageWriter::write_csv_header() {
  cells_.resize(csv_.columns().size());
  out_.put("seq");
  for (std::string_view c : csv_.columns()) {
    out_.put(',');
    out_.put(c);
  }
  out_.put('\n');
}

void MessageWriter::put_clock(std::uint64_t ns) {
  const std::uint64_t seconds = ns / 1'000'000'000;
  out_.put_padded_uint(seconds / 3600, 2);
  out_.put(':');
  out_.put_padded_uint(seconds / 60 % 60, 2);
  out_.put(':');
  out_.put_padded_uint(seconds % 60, 2);
  out_.put('.');
  out_.put_padded_uint(ns % 1'000'000'000, 9);
}

}  // namespace tickwire::format
