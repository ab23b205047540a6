#include "tests/support/itch_spec_table.h"

#include <fstream>
#include <sstream>

#include "tests/support/test_support.h"

namespace tickwire::test {

namespace {

std::vector<std::string> split_row(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) {
    const auto b = cell.find_first_not_of(" `");
    const auto e = cell.find_last_not_of(" `");
    cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  return cells;
}

SpecTable load() {
  std::ifstream in(shared_dir() + "/ITCH50_FIELDS.md");
  SpecTable table;
  if (!in) return table;
  char current = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## `", 0) == 0) {
      current = line[4];
      continue;
    }
    if (current == 0 || line.empty() || line[0] != '|') continue;
    const auto cells = split_row(line);
    if (cells.size() < 4 || cells[0] == "offset" || cells[0].find("--") != std::string::npos) continue;
    table[current].push_back({std::stoul(cells[0]), std::stoul(cells[1]), cells[2], cells[3]});
  }
  return table;
}

}  // namespace

const SpecTable& itch_spec() {
  static const SpecTable t = load();
  return t;
}

}  // namespace tickwire::test
