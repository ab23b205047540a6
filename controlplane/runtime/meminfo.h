// One field of /proc/meminfo ("MemAvailable:" in bytes, "HugePages_Free:" as a count): what
// start-up sizes the memory budget and the EAL's hugepage use from.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string_view>

namespace tickwire::runtime {

// 0 when the file or the field is missing. Fields in kB are returned in bytes.
inline std::uint64_t meminfo_field(std::string_view name) {
  std::FILE* f = std::fopen("/proc/meminfo", "r");
  if (f == nullptr) return 0;
  std::uint64_t found = 0;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    char key[64];
    char unit[8] = "";
    unsigned long long value = 0;
    if (std::sscanf(line, "%63s %llu %7s", key, &value, unit) >= 2 && std::string_view(key) == name) {
      found = std::string_view(unit) == "kB" ? value * 1024 : value;
    }
  }
  std::fclose(f);
  return found;
}

}  // namespace tickwire::runtime
