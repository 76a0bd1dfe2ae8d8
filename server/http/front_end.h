// The collector's HTTP/1.1 front end, on Boost.Beast + Asio: a few I/O threads run every
// connection as a state machine (wait for a request, read its head, read its body, dispatch,
// write the answer), so no thread waits for a client, and every quantity a client controls is
// bounded (FrontEndSettings; docs/reliability.md#the-http-front-end). Routes that wait on storage
// run on a small blocking pool; an ingest answers when the writer (or its deadline) says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api_routes.h"

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class MemoryBudget;
class Metrics;
class TrustedProxies;

struct FrontEndSettings {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see port())
  int ioThreads = 0;           // 0: one per core
  int blockingThreads = 4;     // for statistics, erasure and bundles
  int backlog = 1024;          // connections the kernel queues before they are accepted
  std::size_t maxConnections = 16384;
  std::size_t maxConnectionsPerClient = 512;       // per IPv4 address or IPv6 /64
  std::chrono::milliseconds headerTimeout{10000};  // from a request's first byte to its last header
  std::chrono::milliseconds idleTimeout{75000};    // a kept-alive connection without a request
  std::chrono::milliseconds writeTimeout{10000};   // for the client to take an answer
  std::uint64_t minBodyBytesPerSecond = 4096;      // after headerTimeout of grace
  std::size_t maxRequestsPerConnection = 1000;
  std::size_t maxHeaderBytes = 16384;  // the request line and headers
  std::size_t maxHeaders = 100;
  std::chrono::milliseconds shutdownTimeout{10000};
  // The largest body a request to `path` may send (as sent, before any gzip); required.
  std::function<std::uint64_t(std::string_view path)> bodyLimit;
  MemoryBudget* memory = nullptr;                  // what bodies may hold; null: no limit
  const TrustedProxies* trustedProxies = nullptr;  // exempt from the per-client connection bound
  std::string tlsCertFile;                         // both set: HTTPS instead of HTTP
  std::string tlsKeyFile;
  AddressPolicy logAddress = AddressPolicy::Truncated;  // how the access log names the peer
};

class HttpFrontEnd {
 public:
  // Binds and listens (throws std::runtime_error naming the address or the TLS file that
  // failed); serves from start().
  HttpFrontEnd(std::vector<Route> routes, FrontEndSettings settings, Logger& log, Metrics* metrics = nullptr);
  ~HttpFrontEnd();
  HttpFrontEnd(const HttpFrontEnd&) = delete;
  HttpFrontEnd& operator=(const HttpFrontEnd&) = delete;

  void start();
  // Stops accepting, closes idle connections, lets requests in progress finish until
  // shutdownTimeout, then closes the rest. False when something was still running then (a
  // blocking route stuck in storage): the caller should exit without waiting for it.
  bool stop();
  unsigned short port() const;
  const char* scheme() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace kubecensus::server
