#include "address_policy.h"

#include <Poco/Net/IPAddress.h>

namespace kubecensus::server {

std::optional<AddressPolicy> parseAddressPolicy(std::string_view text) {
  if (text == "truncated") return AddressPolicy::Truncated;
  if (text == "full") return AddressPolicy::Full;
  if (text == "none") return AddressPolicy::None;
  return std::nullopt;
}

std::string keptAddress(const std::string& address, AddressPolicy policy) {
  if (policy == AddressPolicy::Full) return address;
  if (policy == AddressPolicy::None) return {};
  Poco::Net::IPAddress ip;
  if (!Poco::Net::IPAddress::tryParse(address, ip)) return {};
  // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d: truncate it as IPv4.
  if (ip.family() == Poco::Net::IPAddress::IPv6 && ip.isIPv4Mapped()) {
    Poco::Net::IPAddress v4;
    if (Poco::Net::IPAddress::tryParse(address.substr(address.rfind(':') + 1), v4)) ip = v4;
  }
  const bool v4 = ip.family() == Poco::Net::IPAddress::IPv4;
  // A 6to4 address (2002::/16) carries the client's IPv4 address in bits 16-47: keep its /24.
  const bool sixToFour = !v4 && ip.toString().rfind("2002:", 0) == 0;
  const Poco::Net::IPAddress mask(v4 ? 24 : (sixToFour ? 40 : 48), ip.family());
  return (ip & mask).toString();
}

}  // namespace kubecensus::server
