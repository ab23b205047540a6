// SHA-256 (OpenSSL's libcrypto): of a string, or incrementally of what a FILE* writes.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace tickwire::format {

std::string sha256_hex(std::string_view data);

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  // The digest of everything so far, as lowercase hex.
  [[nodiscard]] std::string hex();

 private:
  void* context_;  // EVP_MD_CTX
};

// A FILE* that writes to `path` and hashes every byte written into `hash`, which must
// outlive it. Null (errno set) when the file cannot be created.
std::FILE* open_hashing_file(const std::string& path, Sha256& hash);

}  // namespace tickwire::format
