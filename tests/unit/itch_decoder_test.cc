// Checks the ITCH views against the spec table in shared/ITCH50_FIELDS.md, which the test
// parses itself: every type's length, every field's name, offset, size and kind; then
// round-trips every type (encoded here from that table, decoded by tickwire) field by field.
#include "dataplane/itch/decoder.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/support/itch_spec_table.h"
#include "tests/support/test_support.h"

namespace tickwire::itch {
namespace {

using test::SpecField;
using test::SpecTable;

const SpecTable& spec() { return test::itch_spec(); }

struct DecodedField {
  std::string name;
  std::size_t offset = 0;
  std::size_t size = 0;
  std::string kind;
  std::uint64_t number = 0;
  std::string text;
};

// Collects what tickwire's view says about each field, in wire order.
struct FieldCollector {
  const std::uint8_t* base;
  std::vector<DecodedField> fields;

  template <class Field>
  void operator()(std::string_view name, const Field& f) {
    DecodedField d;
    d.name = std::string(name);
    d.offset = static_cast<std::size_t>(reinterpret_cast<const std::uint8_t*>(&f) - base);
    d.size = sizeof(Field);
    if constexpr (wire::kIsAlpha<Field>) {
      d.kind = "a";
      d.text = std::string(f.raw());
    } else {
      d.kind = Field::kDecimals == 0 ? "u" : "p" + std::to_string(Field::kDecimals);
      d.number = f.value();
    }
    fields.push_back(std::move(d));
  }
};

std::vector<DecodedField> decode_all_fields(const std::uint8_t* p, std::size_t n, DecodeStatus& status) {
  std::vector<DecodedField> out;
  status = decode_message(p, n, [&](const auto& message) {
    FieldCollector c{p, {}};
    message.for_each_field(c);
    out = std::move(c.fields);
  });
  return out;
}

class ItchSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    if (spec().empty()) GTEST_SKIP() << "no " << test::shared_dir() << "/ITCH50_FIELDS.md";
  }
};

TEST_F(ItchSpec, CoversAll23TypesWithTheirLengths) {
  ASSERT_EQ(spec().size(), kMessageTypeCount);
  for (const auto& [code, fields] : spec()) {
    const SpecField& last = fields.back();
    EXPECT_EQ(spec_length(static_cast<std::uint8_t>(code)), last.offset + last.size) << "type " << code;
  }
}

TEST_F(ItchSpec, EveryTypeRoundTripsEveryField) {
  std::mt19937_64 rng(20261124);
  for (const auto& [code, fields] : spec()) {
    for (int trial = 0; trial < 50; ++trial) {
      const std::size_t length = spec_length(static_cast<std::uint8_t>(code));
      test::Bytes bytes(length, 0);
      std::vector<std::uint64_t> numbers(fields.size());
      std::vector<std::string> texts(fields.size());
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const SpecField& f = fields[i];
        if (f.name == "type") {
          bytes[0] = static_cast<std::uint8_t>(code);
          texts[i] = std::string(1, code);
        } else if (f.kind == "a") {
          for (std::size_t k = 0; k < f.size; ++k) {
            // Printable ASCII, with trailing spaces now and then.
            const char c = (trial % 3 == 0 && k + 2 >= f.size) ? ' ' : static_cast<char>(0x21 + rng() % 94);
            bytes[f.offset + k] = static_cast<std::uint8_t>(c);
            texts[i] += c;
          }
        } else {
          const std::uint64_t mask = f.size == 8 ? ~0ull : ((1ull << (8 * f.size)) - 1);
          numbers[i] = (trial == 0 ? ~0ull : trial == 1 ? 0 : rng()) & mask;
          test::put_be_at(bytes, f.offset, numbers[i], static_cast<unsigned>(f.size));
        }
      }
      const test::ExactBuffer buffer(bytes);
      DecodeStatus status{};
      const auto decoded = decode_all_fields(buffer.data(), buffer.size(), status);
      ASSERT_EQ(status, DecodeStatus::kOk) << "type " << code;
      ASSERT_EQ(decoded.size(), fields.size()) << "type " << code;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        SCOPED_TRACE(std::string("type ") + code + " field " + fields[i].name);
        EXPECT_EQ(decoded[i].name, fields[i].name);
        EXPECT_EQ(decoded[i].offset, fields[i].offset);
        EXPECT_EQ(decoded[i].size, fields[i].size);
        EXPECT_EQ(decoded[i].kind, fields[i].kind);
        if (fields[i].kind == "a") {
          EXPECT_EQ(decoded[i].text, texts[i]);
        } else {
          EXPECT_EQ(decoded[i].number, numbers[i]);
        }
      }
    }
  }
}

TEST(ItchDecoder, RejectsEmptyUnknownAndMislengthedBlocks) {
  int calls = 0;
  auto count = [&](const auto&) { ++calls; };
  const test::ExactBuffer empty(test::Bytes{});
  EXPECT_EQ(decode_message(empty.data(), 0, count), DecodeStatus::kEmpty);

  for (int code = 0; code < 256; ++code) {
    const std::size_t length = spec_length(static_cast<std::uint8_t>(code));
    if (length == 0) {
      const test::ExactBuffer one(test::Bytes(19, static_cast<std::uint8_t>(code)));
      EXPECT_EQ(decode_message(one.data(), one.size(), count), DecodeStatus::kUnknownType) << code;
      continue;
    }
    for (const std::size_t n : {length - 1, length + 1}) {
      test::Bytes bytes(n, 0);
      bytes[0] = static_cast<std::uint8_t>(code);
      const test::ExactBuffer b(bytes);
      EXPECT_EQ(decode_message(b.data(), b.size(), count), DecodeStatus::kLengthMismatch) << char(code);
    }
  }
  EXPECT_EQ(calls, 0);
}

TEST(ItchDecoder, TypeTableIsDenseAndConsistent) {
  int known = 0;
  for (int code = 0; code < 256; ++code) {
    const auto i = type_index(static_cast<std::uint8_t>(code));
    if (i == TypeInfo::kNoIndex) {
      EXPECT_EQ(spec_length(static_cast<std::uint8_t>(code)), 0u);
      continue;
    }
    ++known;
    EXPECT_EQ(kTypeInfo.code[i], static_cast<char>(code));
  }
  EXPECT_EQ(known, static_cast<int>(kMessageTypeCount));
}

TEST(ItchDecoder, DispatchesEachTypeToItsView) {
  for (std::size_t i = 0; i < kMessageTypeCount; ++i) {
    const char code = kTypeInfo.code[i];
    const test::ExactBuffer b(test::itch_message(code, 77, 34200000000000));
    char seen = 0;
    std::uint16_t locate = 0;
    std::uint64_t timestamp = 0;
    ASSERT_EQ(decode_message(b.data(), b.size(),
                             [&](const auto& m) {
                               seen = std::decay_t<decltype(m)>::kType;
                               locate = m.header.stock_locate.value();
                               timestamp = m.header.timestamp.value();
                             }),
              DecodeStatus::kOk);
    EXPECT_EQ(seen, code);
    EXPECT_EQ(locate, 77);
    EXPECT_EQ(timestamp, 34200000000000u);
  }
}

}  // namespace
}  // namespace tickwire::itch
