#include "trusted_proxies.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdexcept>

namespace kubecensus::server {
namespace {

// The address's raw bytes (an IPv4-mapped IPv6 address as IPv4, so one range covers both
// spellings), or empty if it is none. inet_pton takes only the strict forms (no "10.1" or hex
// octets), so what is kept as the client address is a plain address. A peer's IPv6 zone ("%2",
// as a link-local peer carries) does not change which range it is in; a forwarded hop has no
// business naming one of our interfaces, so there `zoned` is false and a zone is garbage.
std::string rawBytes(const std::string& text, bool zoned = true) {
  if (text.find('\0') != std::string::npos) return {};  // inet_pton would stop there
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return std::string(reinterpret_cast<const char*>(&v4), 4);
  in6_addr v6{};
  if (inet_pton(AF_INET6, (zoned ? text.substr(0, text.find('%')) : text).c_str(), &v6) != 1) return {};
  const char* raw = reinterpret_cast<const char*>(&v6);
  return IN6_IS_ADDR_V4MAPPED(&v6) ? std::string(raw + 12, 4) : std::string(raw, 16);
}

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& entry : entries) {
    const auto slash = entry.find('/');
    Range range{rawBytes(entry.substr(0, slash)), 0};
    if (range.bytes.empty())
      throw std::invalid_argument("trusted_proxies: '" + entry + "' is not an address or CIDR range");
    range.prefix = static_cast<unsigned>(range.bytes.size() * 8);
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(bits) > range.prefix)
        throw std::invalid_argument("trusted_proxies: '" + entry + "' has an invalid prefix length");
      range.prefix = static_cast<unsigned>(std::stoul(bits));
    }
    ranges_.push_back(range);
  }
}

bool TrustedProxies::trusted(const std::string& address) const {
  const std::string bytes = rawBytes(address);
  if (bytes.empty()) return false;
  for (const auto& range : ranges_) {
    if (range.bytes.size() != bytes.size()) continue;
    bool match = true;
    for (unsigned bit = 0; bit < range.prefix && match; ++bit) {
      const unsigned char mask = static_cast<unsigned char>(0x80 >> (bit % 8));
      match = (bytes[bit / 8] & mask) == (range.bytes[bit / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string TrustedProxies::clientAddress(const std::string& peer,
                                          const std::vector<std::string>& forwardedForLines) const {
  if (forwardedForLines.empty() || !trusted(peer)) return peer;
  // The lines joined in order are one list, so its right end, the hop nearest to us, is the end
  // of the last line: walk the lines backwards, each from its right.
  std::string client = peer;
  for (auto line = forwardedForLines.rbegin(); line != forwardedForLines.rend(); ++line) {
    std::size_t end = line->size();
    while (true) {
      const auto comma = end == 0 ? std::string::npos : line->rfind(',', end - 1);
      const std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
      const std::string hop = trim(line->substr(begin, end - begin));
      if (rawBytes(hop, false).empty()) return client;  // garbage: stop at the last address we could trust
      client = hop;
      if (!trusted(hop)) return client;
      if (comma == std::string::npos) break;
      end = comma;
    }
  }
  return client;
}

}  // namespace kubecensus::server
