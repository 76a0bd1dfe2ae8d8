#include "proxy_selection.h"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "kubecensus/util/value_parse.h"

namespace kubecensus::http {
namespace {

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::optional<std::string> firstSet(const EnvironmentLookup& environment, const char* lowerName,
                                    const char* upperName) {
  for (const char* name : {lowerName, upperName})
    if (auto value = environment(name); value && !value->empty()) return value;
  return std::nullopt;
}

ProxyServer parseProxy(const std::string& text) {
  // "proxy:3128" is taken as http://proxy:3128, as curl does.
  Poco::URI uri(text.find("://") == std::string::npos ? "http://" + text : text);
  if (uri.getHost().empty()) throw std::invalid_argument("proxy: no host in '" + text + "'");
  ProxyServer proxy{uri.getHost(), uri.getPort(), "", ""};
  const std::string userInfo = uri.getUserInfo();
  auto colon = userInfo.find(':');
  proxy.username = userInfo.substr(0, colon);
  if (colon != std::string::npos) proxy.password = userInfo.substr(colon + 1);
  return proxy;
}

}  // namespace

bool bypassesProxy(const std::string& noProxy, const std::string& host) {
  const std::string target = lower(host);
  for (std::string entry : splitList(noProxy)) {
    entry = lower(entry);
    if (entry == "*") return true;
    // A port does not matter; an IPv6 address comes in brackets, and the host without them.
    if (entry.front() == '[')
      entry = entry.substr(1, entry.find(']') == std::string::npos ? std::string::npos : entry.find(']') - 1);
    else
      entry = entry.substr(0, entry.find(':'));
    if (entry.empty()) continue;
    bool subdomainsOnly = false;
    if (entry.rfind("*.", 0) == 0) entry.erase(0, 1);
    if (entry.front() == '.') subdomainsOnly = true;
    const std::string suffix = subdomainsOnly ? entry : "." + entry;
    if (!subdomainsOnly && target == entry) return true;
    if (target.size() > suffix.size() &&
        target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  }
  return false;
}

std::optional<ProxyServer> selectProxy(const std::string& configured, const std::string& scheme,
                                       const std::string& host, const EnvironmentLookup& environment) {
  if (configured == "none") return std::nullopt;
  if (!configured.empty()) return parseProxy(configured);
  if (auto noProxy = firstSet(environment, "no_proxy", "NO_PROXY"); noProxy && bypassesProxy(*noProxy, host))
    return std::nullopt;
  auto proxy = scheme == "https" ? firstSet(environment, "https_proxy", "HTTPS_PROXY")
                                 : firstSet(environment, "http_proxy", "HTTP_PROXY");
  if (!proxy) return std::nullopt;
  return parseProxy(*proxy);
}

}  // namespace kubecensus::http
