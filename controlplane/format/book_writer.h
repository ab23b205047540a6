// Books as JSON lines, one per stock locate that has orders, sorted by locate:
//   {"stock_locate":13,"stock":"AAPL","bids":[[price,shares,orders],...],"asks":[...]}
// bids from the highest price, asks from the lowest, prices as raw Price(4) integers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "controlplane/format/text_buffer.h"
#include "dataplane/book/book_store.h"

namespace tickwire::format {

void write_books(TextBuffer& out, const book::BookStore& books, std::uint16_t feed,
                 std::optional<std::size_t> depth);

}  // namespace tickwire::format
