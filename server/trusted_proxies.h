// Which address a request comes from when the collector sits behind load balancers: the
// connection's peer, unless that peer is a configured trusted proxy, in which case
// X-Forwarded-For is read from the right, skipping trusted proxies, and the first address that
// is not one is the client. A client cannot forge its address through a proxy that is not
// trusted, since then the header is not read at all.
#pragma once

#include <string>
#include <vector>

namespace kubecensus::server {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Addresses or CIDR ranges ("10.0.0.0/8", "192.168.1.7", "fd00::/8"). Throws
  // std::invalid_argument naming an entry that is neither.
  explicit TrustedProxies(const std::vector<std::string>& entries);

  std::string clientAddress(const std::string& peer, const std::string& forwardedFor) const;
  bool trusted(const std::string& address) const;

 private:
  struct Range {
    std::string bytes;  // the network address, raw
    unsigned prefix;    // bits that must match
  };
  std::vector<Range> ranges_;
};

}  // namespace kubecensus::server
