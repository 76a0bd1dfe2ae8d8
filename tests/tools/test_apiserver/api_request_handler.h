// One HTTP request to the test API server: authentication (bearer token or, with --client-ca,
// a verified client certificate), routing to discovery, /version, /healthz (/readyz, /livez),
// lists (limit/continue), single objects and SelfSubjectAccessReview, the hostile options
// (--forbid, --fail-after-pages, --continue-ttl), and the access log line.
#pragma once

#include <optional>

#include <string>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

#include "server_context.h"

namespace kctest::apiserver {

class ApiRequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiRequestHandler(ServerContext& context) : context_(context) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

 private:
  struct Target;  // a parsed resource path

  // Each returns the HTTP status it answered with.
  int route(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
  int serveResource(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    const Target& target);
  int serveList(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                const Target& target);
  int serveObject(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                  const Target& target);
  int reviewAccess(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
  bool authenticated(Poco::Net::HTTPServerRequest& request) const;
  // The fault --fail-after-pages (and --fault-on) asks of this list answer of `resource`, if
  // any (counts the page).
  std::optional<ServerOptions::Fault> injectedFault(const std::string& resource);

  static int send(Poco::Net::HTTPServerResponse& response, int status, const nlohmann::json& body,
                  const std::string& contentType = "application/json");

  ServerContext& context_;
};

}  // namespace kctest::apiserver
