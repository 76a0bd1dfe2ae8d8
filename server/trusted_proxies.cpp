#include "trusted_proxies.h"

#include <Poco/Net/IPAddress.h>

#include <stdexcept>

namespace kubecensus::server {
namespace {

// The address's raw bytes (an IPv4-mapped IPv6 address as IPv4), or empty if it is none.
std::string rawBytes(const std::string& text) {
  Poco::Net::IPAddress address;
  if (!Poco::Net::IPAddress::tryParse(text, address)) return {};
  if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
    return rawBytes(address.toString().substr(address.toString().rfind(':') + 1));
  const void* raw = address.addr();
  return std::string(static_cast<const char*>(raw), address.length());
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

std::string TrustedProxies::clientAddress(const std::string& peer, const std::string& forwardedFor) const {
  if (forwardedFor.empty() || !trusted(peer)) return peer;
  std::string client = peer;
  std::size_t end = forwardedFor.size();
  while (end > 0) {
    const auto comma = forwardedFor.rfind(',', end - 1);
    const std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
    const std::string hop = trim(forwardedFor.substr(begin, end - begin));
    if (rawBytes(hop).empty()) break;  // garbage: stop at the last address we could trust
    client = hop;
    if (!trusted(hop)) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

}  // namespace kubecensus::server
