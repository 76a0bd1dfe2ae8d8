// Which address a request comes from when the collector sits behind load balancers: the
// connection's peer, unless that peer is a configured trusted proxy, in which case
// X-Forwarded-For is read from the right, skipping trusted proxies, and the first address that
// is not one is the client. A client cannot forge its address through a proxy that is not
// trusted, since then the header is not read at all; nor through one that is, since whatever
// the client wrote (in any header line) lies left of the hop that proxy appended.
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

  // `forwardedForLines`: the value of every X-Forwarded-For header line, in the order received.
  // They are one comma-separated list (RFC 7230 3.2.2): a client can send its own line before
  // the proxy's, so reading only the first line would let it choose its address.
  std::string clientAddress(const std::string& peer, const std::vector<std::string>& forwardedForLines) const;
  bool trusted(const std::string& address) const;

 private:
  struct Range {
    std::string bytes;  // the network address, raw
    unsigned prefix;    // bits that must match
  };
  std::vector<Range> ranges_;
};

}  // namespace kubecensus::server
