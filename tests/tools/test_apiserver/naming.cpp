#include "naming.h"

#include <cstdio>
#include <ctime>

namespace kctest::apiserver {

std::uint32_t Naming::unique(Stream stream, std::uint64_t index, std::uint64_t field, unsigned bits) const {
  const std::uint64_t salt =
      DeterministicRandom::mix(seed_ ^ (static_cast<std::uint64_t>(stream) << 8) ^ (field << 40));
  return DeterministicRandom::permute(static_cast<std::uint32_t>(index), bits, salt);
}

std::string Naming::name(std::initializer_list<std::string_view> parts) const {
  std::string out;
  bool first = true;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += '-';
    out += part;
    if (first && !canary_.empty()) out += "-" + canary_;
    first = false;
  }
  return out;
}

std::string Naming::tag(Stream stream, std::uint64_t index, std::uint64_t field) const {
  // 18 * 2^32 < 36^7: a distinct value per index, spread over all leading characters.
  std::uint64_t value = static_cast<std::uint64_t>(unique(stream, index, field, 32)) * 18 +
                        DeterministicRandom::mix(seed_ ^ index ^ (field << 48)) % 18;
  std::string out(7, '0');
  for (int i = 6; i >= 0; --i) {
    out[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[value % 36];
    value /= 36;
  }
  return out;
}

std::string Naming::hexId(Stream stream, std::uint64_t index, std::uint64_t field, std::size_t digits) const {
  char head[9];
  std::snprintf(head, sizeof head, "%08x", unique(stream, index, field, 32));
  DeterministicRandom rng = random(stream, index, field + 32);
  return head + rng.hex(digits > 8 ? digits - 8 : 0);
}

std::string Naming::decimalId(Stream stream, std::uint64_t index, std::uint64_t field,
                              std::size_t digits) const {
  // 2^32 + a 32-bit value: always 10 digits, never a leading zero, distinct per index.
  std::string out = std::to_string((1ULL << 32) + unique(stream, index, field, 32));
  DeterministicRandom rng = random(stream, index, field + 32);
  while (out.size() < digits) out += static_cast<char>('0' + rng.below(10));
  return out;
}

std::string Naming::plainUuid(Stream stream, std::uint64_t index, std::uint64_t field) const {
  std::string h = hexId(stream, index, field, 32);
  h[12] = '4';                        // version 4
  h[16] = "89ab"[(h[16] - '0') & 3];  // RFC 4122 variant (h[16] is random)
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

std::string Naming::uid(Stream stream, std::uint64_t index, std::uint64_t field) const {
  return marked(plainUuid(stream, index, field));
}

std::string Naming::ipv4(std::uint32_t base, unsigned bits, Stream stream, std::uint64_t index,
                         std::uint64_t field) const {
  std::uint32_t a = base | unique(stream, index, field, bits);
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

std::string Naming::timestamp(std::int64_t epochSeconds) {
  std::time_t t = static_cast<std::time_t>(epochSeconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace kctest::apiserver
