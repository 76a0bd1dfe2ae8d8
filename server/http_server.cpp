#include "http_server.h"

#include <chrono>
#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "kubecensus/net/tls_client.h"
#include "kubecensus/util/logger.h"

namespace kubecensus::server {
namespace {

class RouteHandler : public Poco::Net::HTTPRequestHandler {
 public:
  RouteHandler(const std::vector<Route>& routes, Logger& log, Metrics* metrics, AddressPolicy logAddress)
      : routes_(routes), log_(log), metrics_(metrics), logAddress_(logAddress) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    dispatch(routes_, request, response, log_, metrics_, logAddress_);
  }

 private:
  const std::vector<Route>& routes_;
  Logger& log_;
  Metrics* metrics_;
  AddressPolicy logAddress_;
};

class RouteHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  RouteHandlerFactory(const std::vector<Route>& routes, Logger& log, Metrics* metrics,
                      AddressPolicy logAddress)
      : routes_(routes), log_(log), metrics_(metrics), logAddress_(logAddress) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RouteHandler(routes_, log_, metrics_, logAddress_);
  }

 private:
  const std::vector<Route>& routes_;
  Logger& log_;
  Metrics* metrics_;
  AddressPolicy logAddress_;
};

}  // namespace

Poco::Net::HTTPRequestHandlerFactory* newRouteHandlerFactory(const std::vector<Route>& routes, Logger& log,
                                                             Metrics* metrics, AddressPolicy logAddress) {
  return new RouteHandlerFactory(routes, log, metrics, logAddress);
}

HttpServer::HttpServer(std::vector<Route> routes, const HttpServerSettings& settings, Logger& log,
                       Metrics* metrics)
    : routes_(std::move(routes)), log_(log), metrics_(metrics) {
  const Poco::Net::SocketAddress address(settings.host, settings.port);
  Poco::Net::ServerSocket socket;
  tls_ = !settings.tlsCertFile.empty();
  if (tls_) {
    initializeTls();
    Poco::Net::Context::Ptr context;
    try {
      context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, settings.tlsKeyFile,
                                       settings.tlsCertFile, "", Poco::Net::Context::VERIFY_NONE, 9, false);
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("TLS certificate " + settings.tlsCertFile + " or key " + settings.tlsKeyFile +
                               " unusable: " + e.displayText());
    }
    socket = Poco::Net::SecureServerSocket(address, settings.maxQueued, context);
  } else {
    socket.bind(address, true);
    socket.listen(settings.maxQueued);
  }
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(settings.threads);
  params->setMaxQueued(settings.maxQueued);
  params->setTimeout(Poco::Timespan(settings.timeout.count() * 1000));
  params->setKeepAlive(true);
  params->setServerName("kubecensus-collector");
  server_ = std::make_unique<Poco::Net::HTTPServer>(
      newRouteHandlerFactory(routes_, log_, metrics_, settings.logAddress), socket, params);
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  server_->start();
}

void HttpServer::stop() {
  server_->stopAll(false);
  // Requests in progress finish (up to a few seconds) before what they use goes away.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

unsigned short HttpServer::port() const {
  return server_->port();
}

}  // namespace kubecensus::server
