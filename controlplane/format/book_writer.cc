#include "controlplane/format/book_writer.h"

namespace tickwire::format {

namespace {
void write_side(TextBuffer& out, const book::BookStore& books, const book::Instrument& ins, book::SideIndex side,
                std::optional<std::size_t> depth) {
  out.put('[');
  std::size_t n = 0;
  books.for_each_level(ins, side, [&](const book::PriceLevel& l) {
    if (depth && n >= *depth) return;
    if (n++ > 0) out.put(',');
    out.put('[');
    out.put_uint(l.price);
    out.put(',');
    out.put_uint(l.shares);
    out.put(',');
    out.put_uint(l.orders);
    out.put(']');
  });
  out.put(']');
}
}  // namespace

void write_books(TextBuffer& out, const book::BookStore& books, std::uint16_t feed, std::optional<std::size_t> depth) {
  for (std::uint32_t locate = 0; locate <= 0xFFFF; ++locate) {
    const std::uint32_t id = books.instrument_id(feed, static_cast<std::uint16_t>(locate));
    if (id == book::kNone) continue;
    const book::Instrument& ins = books.instrument(id);
    if (ins.orders == 0) continue;
    out.put("{\"stock_locate\":");
    out.put_uint(locate);
    out.put(",\"stock\":\"");
    out.put_json_escaped(ins.symbol_text());
    out.put("\",\"bids\":");
    write_side(out, books, ins, book::kBidSide, depth);
    out.put(",\"asks\":");
    write_side(out, books, ins, book::kAskSide, depth);
    out.put("}\n");
    out.maybe_flush();
  }
}

}  // namespace tickwire::format
