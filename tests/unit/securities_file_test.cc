// The securities file: a good file loads every field (per-feed symbols, sector, indexes,
// LULD tier, an ETF's basket, cash and creation unit); each kind of bad input is refused
// with an error naming the file, the line and the key, leaving the output untouched; and
// basket cash amounts are parsed exactly (parse_price8).
#include "controlplane/patterns/securities_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_support.h"

namespace tickwire::test {
namespace {

using patterns::Price8;
using patterns::ReferenceData;
using patterns::SecurityReference;

constexpr std::string_view kGoodFile = R"(# reference data for the pattern layer
[security.AAPL]
sector = "technology"
indexes = ["NDX", "SPX"]
luld_tier = 1
symbols = { bx = "AAPL.X", psx = "AAPL" }

[security.MSFT]
luld_tier = 2

[security.QQQ]
basket = { AAPL = 1000, MSFT = 820 }   # shares per creation unit
basket_cash = "1234.56"
creation_unit = 50000

[security.SPY]
basket = { AAPL = 30 }
basket_cash = -12
creation_unit = 50000
)";

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SecuritiesFile, AGoodFileLoadsEverySecurityAndField) {
  const std::string path = temp_dir() + "/securities.toml";
  write_file(path, kGoodFile);
  ReferenceData data;
  std::string error;
  ASSERT_TRUE(patterns::load_securities_file(path, data, error)) << error;
  EXPECT_TRUE(error.empty()) << error;
  ASSERT_EQ(data.securities.size(), 4u);

  const SecurityReference* aapl = data.find("AAPL");
  ASSERT_NE(aapl, nullptr);
  EXPECT_EQ(aapl->symbol, "AAPL");
  EXPECT_EQ(aapl->sector, "technology");
  EXPECT_EQ(aapl->indexes, (std::vector<std::string>{"NDX", "SPX"})) << "in the file's order";
  EXPECT_EQ(aapl->luld_tier, 1u);
  using Names = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(sorted(aapl->on), (Names{{"bx", "AAPL.X"}, {"psx", "AAPL"}}));
  EXPECT_TRUE(aapl->basket.empty());
  EXPECT_EQ(aapl->creation_unit, 0);
  EXPECT_EQ(aapl->basket_cash, 0);

  const SecurityReference* msft = data.find("MSFT");
  ASSERT_NE(msft, nullptr);
  EXPECT_EQ(msft->luld_tier, 2u);
  EXPECT_TRUE(msft->sector.empty());
  EXPECT_TRUE(msft->indexes.empty());
  EXPECT_TRUE(msft->on.empty());

  const SecurityReference* qqq = data.find("QQQ");
  ASSERT_NE(qqq, nullptr);
  using Basket = std::vector<std::pair<std::string, std::int64_t>>;
  EXPECT_EQ(sorted(qqq->basket), (Basket{{"AAPL", 1000}, {"MSFT", 820}}));
  EXPECT_EQ(qqq->basket_cash, Price8{123'456'000'000}) << "1234.56 in units of 1e-8, exactly";
  EXPECT_EQ(qqq->creation_unit, 50000);
  EXPECT_EQ(qqq->luld_tier, 0u) << "not given";

  const SecurityReference* spy = data.find("SPY");
  ASSERT_NE(spy, nullptr);
  EXPECT_EQ(spy->basket_cash, Price8{-1'200'000'000}) << "an integer amount";
  EXPECT_EQ(spy->basket, (Basket{{"AAPL", 30}}));

  EXPECT_EQ(data.find("IBM"), nullptr);
}

TEST(SecuritiesFile, AnEmptyFileHasNoSecurities) {
  ReferenceData data;
  data.securities.push_back({});
  std::string error;
  ASSERT_TRUE(patterns::parse_securities("# nothing yet\n", "empty.toml", data, error)) << error;
  EXPECT_TRUE(data.securities.empty());
}

TEST(SecuritiesFile, AMissingFileIsAnErrorNamingIt) {
  const std::string path = temp_dir() + "/absent.toml";
  ReferenceData data;
  std::string error;
  EXPECT_FALSE(patterns::load_securities_file(path, data, error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("cannot be read"), std::string::npos) << error;
}

TEST(SecuritiesFile, BadTomlIsAnErrorNamingTheFileAndLine) {
  const std::string path = temp_dir() + "/broken.toml";
  write_file(path, "[security.AAPL]\nsector = \"technology\"\nluld_tier = = 1\n");
  ReferenceData data;
  std::string error;
  EXPECT_FALSE(patterns::load_securities_file(path, data, error));
  EXPECT_EQ(error.rfind(path + ":3: ", 0), 0u) << error;
}

// A bad file and what its error must say (after "f.toml:LINE: ").
struct BadCase {
  const char* what;
  const char* text;
  int line;
  const char* says;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.what; }

class SecuritiesFileRefuses : public testing::TestWithParam<BadCase> {};

TEST_P(SecuritiesFileRefuses, WithAnErrorNamingTheFileLineAndKey) {
  const BadCase& c = GetParam();
  ReferenceData data;
  SecurityReference kept;
  kept.symbol = "KEPT";
  data.securities.push_back(kept);
  std::string error;
  EXPECT_FALSE(patterns::parse_securities(c.text, "f.toml", data, error)) << c.what;
  const std::string head = "f.toml:" + std::to_string(c.line) + ": ";
  EXPECT_EQ(error.rfind(head, 0), 0u) << c.what << ": " << error;
  EXPECT_NE(error.find(c.says), std::string::npos) << c.what << ": " << error;
  ASSERT_EQ(data.securities.size(), 1u) << "the output is untouched on failure";
  EXPECT_EQ(data.securities[0].symbol, "KEPT");
}

constexpr const char* kWrongType = "unknown key or wrong type";

INSTANTIATE_TEST_SUITE_P(
    BadInput, SecuritiesFileRefuses,
    testing::Values(
        BadCase{"another top table", "[other]\nx = 1\n", 1, "other: expected [security.SYMBOL] tables"},
        BadCase{"security not a table", "security = 5\n", 1, "security: expected [security.SYMBOL] tables"},
        BadCase{"a security not a table", "[security]\nAAPL = 5\n", 2, "security.AAPL: expected a table"},
        BadCase{"unknown key", "[security.AAPL]\nticker = \"X\"\n", 2, "security.AAPL.ticker: unknown key"},
        BadCase{"sector not a string", "[security.AAPL]\nsector = 5\n", 2, "security.AAPL.sector: unknown key"},
        BadCase{"luld_tier 3", "[security.AAPL]\nluld_tier = 3\n", 2, "security.AAPL.luld_tier: unknown key"},
        BadCase{"luld_tier 0", "[security.AAPL]\nluld_tier = 0\n", 2, "security.AAPL.luld_tier: unknown key"},
        BadCase{"luld_tier a string", "[security.AAPL]\nluld_tier = \"1\"\n", 2, "security.AAPL.luld_tier"},
        BadCase{"indexes not a list", "[security.AAPL]\nindexes = \"NDX\"\n", 2, "security.AAPL.indexes: unknown key"},
        BadCase{"an index not a string", "[security.AAPL]\nsector = \"x\"\nindexes = [\"NDX\", 5]\n", 3,
                "security.AAPL.indexes: expected a list of index names"},
        BadCase{"symbols not a table", "[security.AAPL]\nsymbols = \"AAPL.X\"\n", 2,
                "security.AAPL.symbols: unknown key"},
        BadCase{"a feed's symbol not a string", "[security.AAPL]\nsymbols = { bx = 5 }\n", 2,
                "security.AAPL.symbols.bx: expected the feed's symbol"},
        BadCase{"basket not a table", "[security.QQQ]\nbasket = [1, 2]\ncreation_unit = 5\n", 2,
                "security.QQQ.basket: unknown key"},
        BadCase{"basket shares 0", "[security.QQQ]\nbasket = { AAPL = 0 }\ncreation_unit = 5\n", 2,
                "security.QQQ.basket.AAPL: expected a positive number of shares"},
        BadCase{"basket shares negative", "[security.QQQ]\nbasket = { AAPL = -5 }\ncreation_unit = 5\n", 2,
                "security.QQQ.basket.AAPL: expected a positive number of shares"},
        BadCase{"basket shares a string", "[security.QQQ]\nbasket = { AAPL = \"5\" }\ncreation_unit = 5\n", 2,
                "security.QQQ.basket.AAPL: expected a positive number of shares"},
        BadCase{"basket shares fractional", "[security.QQQ]\nbasket = { AAPL = 1.5 }\ncreation_unit = 5\n", 2,
                "security.QQQ.basket.AAPL: expected a positive number of shares"},
        BadCase{"a basket without creation_unit", "[security.QQQ]\nbasket = { AAPL = 10 }\nbasket_cash = \"1\"\n", 1,
                "security.QQQ: a basket needs creation_unit"},
        BadCase{"creation_unit 0", "[security.QQQ]\ncreation_unit = 0\n", 2, "security.QQQ.creation_unit: unknown key"},
        BadCase{"creation_unit negative", "[security.QQQ]\ncreation_unit = -1\n", 2,
                "security.QQQ.creation_unit: unknown key"},
        BadCase{"creation_unit a string", "[security.QQQ]\ncreation_unit = \"50000\"\n", 2,
                "security.QQQ.creation_unit: unknown key"},
        BadCase{"basket_cash not an amount", "[security.QQQ]\nbasket_cash = \"abc\"\n", 2,
                "security.QQQ.basket_cash: expected an amount with at most 8 decimals, got abc"},
        BadCase{"basket_cash with 9 decimals", "[security.QQQ]\nbasket_cash = \"1.123456789\"\n", 2,
                "security.QQQ.basket_cash: expected an amount with at most 8 decimals, got 1.123456789"},
        BadCase{"basket_cash a boolean", "[security.QQQ]\nbasket_cash = true\n", 2,
                "security.QQQ.basket_cash: unknown key"},
        BadCase{"basket_cash with two minus signs", "[security.QQQ]\nbasket_cash = \"--1\"\n", 2,
                "security.QQQ.basket_cash: expected an amount"},
        BadCase{"basket_cash with a signed fraction", "[security.QQQ]\nbasket_cash = \"1.-5\"\n", 2,
                "security.QQQ.basket_cash: expected an amount"},
        BadCase{"a security defined twice", "[security.AAPL]\nluld_tier = 1\n[security.AAPL]\nluld_tier = 2\n", 3,
                "AAPL"},
        BadCase{"a key given twice", "[security.AAPL]\nsector = \"a\"\nsector = \"b\"\n", 3, "sector"},
        BadCase{"not TOML", "[security.AAPL\n", 1, ""}),
    [](const testing::TestParamInfo<BadCase>& info) {
      std::string name = info.param.what;
      std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); },
                      '_');
      return name;
    });

// The header says basket_cash may be "a string or a number": a number is the amount it reads as.
TEST(SecuritiesFile, BasketCashMayBeANumber) {
  const std::vector<std::pair<std::string, Price8>> cases = {
      {"12", 1'200'000'000}, {"-3", -300'000'000}, {"0.5", 50'000'000}, {"12.0", 1'200'000'000},
      {"1234.56", 123'456'000'000}, {"0.1", 10'000'000}};
  for (const auto& [value, want] : cases) {
    const std::string text = "[security.QQQ]\nbasket = { AAPL = 1 }\ncreation_unit = 10\nbasket_cash = " + value + "\n";
    ReferenceData data;
    std::string error;
    EXPECT_TRUE(patterns::parse_securities(text, "f.toml", data, error)) << value << ": " << error;
    if (data.securities.size() == 1) {
      EXPECT_EQ(data.securities[0].basket_cash, want) << value;
    }
  }
}

TEST(ParsePrice8, ReadsDecimalAmountsExactly) {
  const std::vector<std::pair<std::string, Price8>> good = {
      {"0", 0},
      {"12", 1'200'000'000},
      {"1234.56", 123'456'000'000},
      {"-0.5", -50'000'000},
      {"0.00000001", 1},
      {"-1.00000001", -100'000'001},
      {"92233720368.54775807", INT64_MAX}};
  for (const auto& [text, want] : good) {
    Price8 out = 7;
    EXPECT_TRUE(patterns::parse_price8(text, out)) << text;
    EXPECT_EQ(out, want) << text;
  }
}

TEST(ParsePrice8, RefusesWhatIsNotADecimalAmount) {
  for (const std::string text : {"", "-", ".5", "1.", "1.123456789", "abc", "1e3", "+1", " 1", "1 ", "1.2.3", "1,5",
                                 "92233720369", "--1", "1.-5", "-1.-5", "1.+5"}) {
    Price8 out = 7;
    EXPECT_FALSE(patterns::parse_price8(text, out)) << "'" << text << "' read as " << out;
  }
}

// Last in the file: with the bug it guards against, the undefined behaviour sanitizer stops
// the process here.
TEST(ParsePrice8, RefusesAmountsPastTheRange) {
  for (const std::string text : {"92233720368.54775808", "92233720368.99999999", "-92233720368.99999999"}) {
    Price8 out = 7;
    EXPECT_FALSE(patterns::parse_price8(text, out)) << text << " read as " << out;
  }
}

}  // namespace
}  // namespace tickwire::test
