// Which proxy, if any, a request to a collector goes through, the way curl and Go read the
// environment: HTTPS_PROXY for https URLs, HTTP_PROXY for http (lower-case names too, which
// win), NO_PROXY a comma-separated list of hosts that go direct ("example.com" also matches
// its subdomains, ".example.com" and "*.example.com" only them, "*" everything; ports ignored).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace kubecensus::http {

struct ProxyServer {
  std::string host;
  unsigned short port = 0;
  std::string username;  // from http://user:password@proxy:3128
  std::string password;
  bool operator==(const ProxyServer&) const = default;
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// `configured`: the sink's `proxy` option: "" = from the environment, "none" = never, else a
// proxy URL. Throws std::invalid_argument for a proxy URL without a host.
std::optional<ProxyServer> selectProxy(const std::string& configured, const std::string& scheme,
                                       const std::string& host, const EnvironmentLookup& environment);

bool bypassesProxy(const std::string& noProxy, const std::string& host);

}  // namespace kubecensus::http
