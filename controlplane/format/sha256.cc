#include "controlplane/format/sha256.h"

#include <openssl/evp.h>

namespace tickwire::format {

namespace {
std::string to_hex(const unsigned char* digest, unsigned length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(context_), EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::update(const void* data, std::size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context_), data, size);
}

std::string Sha256::hex() {
  // Finalise a copy, so that hashing may go on.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, static_cast<EVP_MD_CTX*>(context_));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy, digest, &length);
  EVP_MD_CTX_free(copy);
  return to_hex(digest, length);
}

namespace {
struct HashingCookie {
  std::FILE* file;
  Sha256* hash;
};
}  // namespace

std::FILE* open_hashing_file(const std::string& path, Sha256& hash) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return nullptr;
  cookie_io_functions_t io{};
  io.write = [](void* c, const char* buf, std::size_t size) -> ssize_t {
    auto* cookie = static_cast<HashingCookie*>(c);
    const std::size_t written = std::fwrite(buf, 1, size, cookie->file);
    cookie->hash->update(buf, written);
    return static_cast<ssize_t>(written);
  };
  io.close = [](void* c) -> int {
    auto* cookie = static_cast<HashingCookie*>(c);
    const int rc = std::fclose(cookie->file);
    delete cookie;
    return rc;
  };
  auto* cookie = new HashingCookie{file, &hash};
  std::FILE* out = fopencookie(cookie, "wb", io);
  if (out == nullptr) {
    std::fclose(file);
    delete cookie;
  }
  return out;
}

}  // namespace tickwire::format
