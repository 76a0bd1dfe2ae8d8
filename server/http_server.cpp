#include "http_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "kubecensus/util/logger.h"

namespace kubecensus::server {
namespace {

class RouteHandler : public Poco::Net::HTTPRequestHandler {
 public:
  RouteHandler(const std::vector<Route>& routes, Logger& log, Metrics* metrics)
      : routes_(routes), log_(log), metrics_(metrics) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    dispatch(routes_, request, response, log_, metrics_);
  }

 private:
  const std::vector<Route>& routes_;
  Logger& log_;
  Metrics* metrics_;
};

class RouteHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  RouteHandlerFactory(const std::vector<Route>& routes, Logger& log, Metrics* metrics)
      : routes_(routes), log_(log), metrics_(metrics) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RouteHandler(routes_, log_, metrics_);
  }

 private:
  const std::vector<Route>& routes_;
  Logger& log_;
  Metrics* metrics_;
};

}  // namespace

HttpServer::HttpServer(std::vector<Route> routes, const HttpServerSettings& settings, Logger& log,
                       Metrics* metrics)
    : routes_(std::move(routes)), log_(log), metrics_(metrics) {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(settings.host, settings.port), true);
  socket.listen(settings.maxQueued);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(settings.threads);
  params->setMaxQueued(settings.maxQueued);
  params->setTimeout(Poco::Timespan(settings.timeout.count() * 1000));
  params->setKeepAlive(true);
  params->setServerName("kubecensus-collector");
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RouteHandlerFactory(routes_, log_, metrics_), socket,
                                                    params);
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  server_->start();
}

void HttpServer::stop() {
  server_->stopAll(false);
}

unsigned short HttpServer::port() const {
  return server_->port();
}

}  // namespace kubecensus::server
