#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api_routes.h"

namespace Poco::Net {
class HTTPRequestHandlerFactory;
class HTTPServer;
}  // namespace Poco::Net

namespace kubecensus::server {

class Metrics;

struct HttpServerSettings {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see port())
  int threads = 16;
  int maxQueued = 256;
  std::chrono::milliseconds timeout{10000};  // per read/write on a connection
  std::string tlsCertFile;                   // both set: HTTPS (TLS 1.2 or newer) instead of HTTP
  std::string tlsKeyFile;
  AddressPolicy logAddress = AddressPolicy::Truncated;  // how the access log names the peer
};

// What answers each request on a connection: dispatch() over `routes`, which must outlive it.
// HttpServer serves with one; the request-handling fuzz target (tests/fuzz) drives one directly.
Poco::Net::HTTPRequestHandlerFactory* newRouteHandlerFactory(const std::vector<Route>& routes, Logger& log,
                                                             Metrics* metrics, AddressPolicy logAddress);

// The Poco HTTP server serving a route table.
class HttpServer {
 public:
  HttpServer(std::vector<Route> routes, const HttpServerSettings& settings, Logger& log,
             Metrics* metrics = nullptr);
  ~HttpServer();
  void start();
  // Stops accepting, lets in-flight requests finish (up to a few seconds).
  void stop();
  unsigned short port() const;
  const char* scheme() const { return tls_ ? "https" : "http"; }

 private:
  std::vector<Route> routes_;
  Logger& log_;
  Metrics* metrics_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  bool tls_ = false;
};

}  // namespace kubecensus::server
