// One client connection of the front end (front_end.h), plain or TLS: what the listener needs to
// know of it, and what it needs of the listener. Only front_end.cpp and session.cpp include this.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "http/asio.h"
#include "http/front_end.h"

namespace kubecensus::server {

// What every session shares: the routes, the bounds, and the listener's bookkeeping.
struct SessionHost {
  SessionHost(std::vector<Route> routes, FrontEndSettings settings, Logger& log, Metrics* metrics)
      : routes(std::move(routes)),
        settings(std::move(settings)),
        log(log),
        metrics(metrics),
        dispatchContext{log, metrics, this->settings.logAddress} {}
  virtual ~SessionHost() = default;
  // A session began (before its first read) and ended: its connection slot (held under `key`)
  // is free again.
  virtual void sessionStarted(class SessionBase* session, std::weak_ptr<SessionBase> handle) = 0;
  virtual void sessionEnded(SessionBase* session, const std::string& key) = 0;

  std::vector<Route> routes;
  FrontEndSettings settings;
  Logger& log;
  Metrics* metrics;
  DispatchContext dispatchContext;
  std::atomic<bool> stopping{false};
};

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Shutting down: a connection waiting for or reading a request closes now; one whose request is
  // being handled closes after its answer.
  virtual void closeIfIdle() = 0;
};

// Starts serving `socket` (TLS with `tls` when given). The session keeps `host` alive while it
// runs, through the shared_ptr the host passes as itself.
std::shared_ptr<SessionBase> startSession(std::shared_ptr<SessionHost> host, net::tcp::socket socket,
                                          std::string peer, std::string key,
                                          std::shared_ptr<net::asio::ssl::context> tls);

}  // namespace kubecensus::server
