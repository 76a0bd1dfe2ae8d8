#include "kubecensus/report/uuid.h"

#include <Poco/SHA1Engine.h>

#include <array>
#include <cstdint>

#include "kubecensus/util/hmac.h"

namespace kubecensus {
namespace {

constexpr std::size_t kUuidTextLength = 36;

bool isDash(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::array<std::uint8_t, 16> uuidBytes(std::string_view text) {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t nibble = 0;
  for (char c : text) {
    if (c == '-') continue;
    bytes[nibble / 2] = static_cast<std::uint8_t>(bytes[nibble / 2] << 4 | hexValue(c));
    ++nibble;
  }
  return bytes;
}

// 32 hexadecimal digits -> 8-4-4-4-12.
std::string withDashes(std::string_view hex) {
  std::string out;
  out.reserve(kUuidTextLength);
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += hex[i];
  }
  return out;
}

}  // namespace

std::string randomUuid() {
  std::string hex = randomHex(16);
  hex[12] = '4';                              // version 4: random
  hex[16] = "89ab"[hexValue(hex[16]) & 0x3];  // variant: RFC 4122
  return withDashes(hex);
}

std::string nameBasedUuid(std::string_view name) {
  // RFC 4122 section 4.3, version 5: SHA-1 over namespace bytes then name; the first 16 bytes
  // of the digest with the version and variant bits overwritten.
  static const std::array<std::uint8_t, 16> kNamespace = uuidBytes(kUuidNamespace);
  Poco::SHA1Engine sha1;
  sha1.update(kNamespace.data(), static_cast<unsigned>(kNamespace.size()));
  sha1.update(name.data(), static_cast<unsigned>(name.size()));
  Poco::DigestEngine::Digest digest = sha1.digest();
  digest.resize(16);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);
  return withDashes(Poco::DigestEngine::digestToHex(digest));
}

bool isUuid(std::string_view text) {
  if (text.size() != kUuidTextLength) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (isDash(i) ? text[i] != '-' : hexValue(text[i]) < 0) return false;
  }
  return true;
}

}  // namespace kubecensus
