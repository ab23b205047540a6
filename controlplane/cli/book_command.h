// `tickwire book`: the full-depth books at the end of the inputs (or at a sequence number),
// optionally joining the session late from a GLIMPSE snapshot (--snapshot); parsed here,
// run by session::run_book.
#pragma once

namespace tickwire::cli {

int run_book_command(int argc, char** argv);

}  // namespace tickwire::cli
