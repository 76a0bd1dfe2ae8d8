#include "server_url.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cctype>

#include "kubecensus/kube/kube_client.h"

namespace kubecensus::kube {

ServerUrl parseServer(const std::string& server) {
  ServerUrl url;
  url.text = server.find("://") == std::string::npos ? "https://" + server : server;
  Poco::URI uri;
  try {
    uri = Poco::URI(url.text);
  } catch (const Poco::Exception& e) {
    throw KubeError(0, "invalid API server address \"" + server + "\": " + e.displayText());
  }
  if (uri.getScheme() != "https" && uri.getScheme() != "http")
    throw KubeError(0, "invalid API server address \"" + server + "\": the scheme must be https or http");
  if (uri.getHost().empty()) throw KubeError(0, "invalid API server address \"" + server + "\": no host");
  url.https = uri.getScheme() == "https";
  url.host = uri.getHost();
  url.port = uri.getPort();
  url.prefix = uri.getPath();
  while (!url.prefix.empty() && url.prefix.back() == '/') url.prefix.pop_back();
  return url;
}

std::string urlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace kubecensus::kube
