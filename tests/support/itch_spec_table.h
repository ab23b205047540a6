// The ITCH 5.0 field table of shared/ITCH50_FIELDS.md, parsed at run time: an oracle for the
// layouts that owes nothing to tickwire's own structs.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace tickwire::test {

struct SpecField {
  std::size_t offset = 0;
  std::size_t size = 0;
  std::string kind;  // u, p4, p8, a
  std::string name;
};
using SpecTable = std::map<char, std::vector<SpecField>>;

// Empty when the file is missing.
const SpecTable& itch_spec();

}  // namespace tickwire::test
