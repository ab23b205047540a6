// The securities file (patterns.securities_file), TOML, one table per security:
//
//   [security.AAPL]
//   sector = "technology"
//   indexes = ["NDX", "SPX"]
//   luld_tier = 1
//   symbols = { bx = "AAPL.X" }     # its symbol on a feed that names it otherwise
//
//   [security.QQQ]
//   basket = { AAPL = 1000, MSFT = 820 }   # shares of each component per creation unit
//   basket_cash = "1234.56"                # per creation unit, exact (a string or a number)
//   creation_unit = 50000                  # ETF shares one unit makes
//
// Errors name the file, the line and the key.
#pragma once

#include <string>

#include "dataplane/patterns/reference_data.h"

namespace tickwire::patterns {

[[nodiscard]] bool load_securities_file(const std::string& path, ReferenceData& out, std::string& error);
[[nodiscard]] bool parse_securities(std::string_view text, std::string_view source_name, ReferenceData& out,
                                    std::string& error);
// A decimal amount ("1234.56", "-0.5") in units of 1e-8, exactly; false when it is not one
// or has more than eight decimals.
[[nodiscard]] bool parse_price8(std::string_view text, Price8& out);

}  // namespace tickwire::patterns
