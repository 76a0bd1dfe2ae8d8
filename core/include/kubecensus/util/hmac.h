#pragma once

#include <string>
#include <string_view>

namespace kubecensus {

// HMAC-SHA256 of data under key, lowercase hex (64 characters).
std::string hmacSha256Hex(std::string_view key, std::string_view data);
std::string sha256Hex(std::string_view data);
// n cryptographically random bytes, hex encoded (2n characters).
std::string randomHex(std::size_t bytes);

}  // namespace kubecensus
