// A forward HTTP proxy on 127.0.0.1:0 for tests of clients behind corporate proxies: CONNECT
// host:port opens a tunnel (https), an absolute-URI request ("POST http://host:port/path") is
// passed to that host in origin form. Every request line is recorded, with the
// Proxy-Authorization header it came with.
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kctest {

struct ProxiedRequest {
  std::string requestLine;  // "CONNECT 127.0.0.1:8443 HTTP/1.1"
  std::string proxyAuthorization;
};

class TestProxy {
 public:
  TestProxy();
  ~TestProxy();
  TestProxy(const TestProxy&) = delete;
  TestProxy& operator=(const TestProxy&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<ProxiedRequest> requests() const;

 private:
  void acceptLoop();
  void serve(Poco::Net::StreamSocket client);

  Poco::Net::ServerSocket listener_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<ProxiedRequest> requests_;
};

}  // namespace kctest
