// SHA-256 of a byte string as lowercase hex (OpenSSL's libcrypto).
#pragma once

#include <string>
#include <string_view>

namespace tickwire::cli {

std::string sha256_hex(std::string_view data);

}  // namespace tickwire::cli
