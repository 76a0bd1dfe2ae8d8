// Makes one ApiRequestHandler per request for Poco's HTTPServer.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "api_request_handler.h"
#include "server_context.h"

namespace kctest::apiserver {

class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(ServerContext& context) : context_(context) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new ApiRequestHandler(context_);
  }

 private:
  ServerContext& context_;
};

}  // namespace kctest::apiserver
