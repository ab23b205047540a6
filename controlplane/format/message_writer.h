// Prints decoded ITCH messages as JSON lines, CSV or human-readable text. Each message is
// walked with its for_each_field(), so every format shows every field under its spec name.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/format/text_buffer.h"
#include "dataplane/feed/message_context.h"
#include "dataplane/itch/decoder.h"

namespace tickwire::format {

enum class OutputFormat : std::uint8_t { kJsonl, kCsv, kText, kNone };

[[nodiscard]] std::optional<OutputFormat> parse_output_format(std::string_view s) noexcept;

// The CSV layout: one column per distinct field name over all 23 types (a sparse table that
// loads into any dataframe), with a per-type map from field position to column.
class CsvLayout {
 public:
  CsvLayout();
  [[nodiscard]] const std::vector<std::string_view>& columns() const noexcept { return columns_; }
  [[nodiscard]] std::uint16_t column(std::uint8_t type_index, std::size_t field) const noexcept {
    return field_columns_[type_index][field];
  }

 private:
  std::vector<std::string_view> columns_;
  std::array<std::vector<std::uint16_t>, itch::kMessageTypeCount> field_columns_;
};

class MessageWriter {
 public:
  MessageWriter(std::FILE* out, OutputFormat format);

  template <class Message>
  void operator()(const feed::MessageContext& ctx, const Message& m) {
    switch (format_) {
      case OutputFormat::kJsonl: write_json(ctx, m); break;
      case OutputFormat::kCsv: write_csv(ctx, m); break;
      case OutputFormat::kText: write_text(ctx, m); break;
      case OutputFormat::kNone: return;
    }
    out_.maybe_flush();
  }
  void flush() { out_.flush(); }
  [[nodiscard]] bool failed() const noexcept { return out_.failed(); }

 private:
  template <class Field>
  void put_value(const Field& f) {
    if constexpr (wire::kIsAlpha<Field>) {
      out_.put_json_escaped(f.trimmed());
    } else {
      out_.put_uint(f.value());
    }
  }

  template <class Message>
  void write_json(const feed::MessageContext& ctx, const Message& m) {
    char sep = '{';
    m.for_each_field([&](std::string_view name, const auto& field) {
      out_.put(sep);
      sep = ',';
      out_.put('"');
      out_.put(name);
      out_.put("\":");
      if constexpr (wire::kIsAlpha<std::decay_t<decltype(field)>>) {
        out_.put('"');
        put_value(field);
        out_.put('"');
      } else {
        put_value(field);
      }
    });
    if (ctx.sequenced) {
      out_.put(",\"seq\":");
      out_.put_uint(ctx.sequence);
    }
    out_.put("}\n");
  }

  template <class Message>
  void write_csv(const feed::MessageContext& ctx, const Message& m) {
    const std::uint8_t type = itch::type_index(static_cast<std::uint8_t>(Message::kType));
    for (std::string& cell : cells_) cell.clear();
    std::size_t position = 0;
    m.for_each_field([&](std::string_view, const auto& field) {
      std::string& cell = cells_[csv_.column(type, position++)];
      if constexpr (wire::kIsAlpha<std::decay_t<decltype(field)>>) {
        cell.assign(field.trimmed());
      } else {
        cell = std::to_string(field.value());
      }
    });
    if (ctx.sequenced) out_.put_uint(ctx.sequence);
    for (const std::string& cell : cells_) {
      out_.put(',');
      out_.put_csv_cell(cell);
    }
    out_.put('\n');
  }

  template <class Message>
  void write_text(const feed::MessageContext& ctx, const Message& m) {
    if (ctx.sequenced) {
      out_.put_uint(ctx.sequence);
    } else {
      out_.put('-');
    }
    out_.put(' ');
    put_clock(m.header.timestamp.value());
    out_.put(' ');
    out_.put(Message::kType);
    out_.put(' ');
    out_.put(Message::kName);
    m.for_each_field([&](std::string_view name, const auto& field) {
      using Field = std::decay_t<decltype(field)>;
      if (name == "type" || name == "timestamp") return;
      out_.put(' ');
      out_.put(name);
      out_.put('=');
      if constexpr (wire::kIsAlpha<Field>) {
        out_.put_json_escaped(field.trimmed());
      } else if constexpr (Field::kDecimals > 0) {
        out_.put_fixed(field.value(), Field::kDecimals);
      } else {
        out_.put_uint(field.value());
      }
    });
    out_.put('\n');
  }

  void put_clock(std::uint64_t ns_since_midnight);
  void write_csv_header();

  OutputFormat format_;
  TextBuffer out_;
  CsvLayout csv_;
  std::vector<std::string> cells_;
};

}  // namespace tickwire::format
