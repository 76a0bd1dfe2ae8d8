// Which client an address belongs to, for per-client bounds (connections, memory): an IPv4
// address as it is (/32), an IPv6 address by its /64 (one host usually holds a whole /64, so
// counting single IPv6 addresses would let it take as many slots as it likes).
#pragma once

#include <string>

namespace kubecensus::server {

// "192.0.2.7" -> "192.0.2.7"; "2001:db8:1:2:3:4:5:6" -> "2001:db8:1:2::/64"; an IPv4-mapped
// IPv6 address as its IPv4 address; anything else as it is.
std::string clientKey(const std::string& address);

}  // namespace kubecensus::server
