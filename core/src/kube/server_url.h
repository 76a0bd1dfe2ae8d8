// The API server's address as the client uses it, and URL encoding for query values.
#pragma once

#include <cstdint>
#include <string>

namespace kubecensus::kube {

struct ServerUrl {
  bool https = true;
  std::string host;
  std::uint16_t port = 443;
  std::string prefix;  // a path the API server is proxied under (Rancher, kubectl proxy --api-prefix)
  std::string text;    // as configured, with https:// added when it had no scheme
};

// Throws KubeError (status 0) for an address that is not http(s)://host[:port][/prefix].
ServerUrl parseServer(const std::string& server);

// Percent-encodes everything but RFC 3986 unreserved characters (continue tokens are base64).
std::string urlEncode(const std::string& text);

}  // namespace kubecensus::kube
