#include "api_error.h"

#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>

namespace kubecensus::server {

void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

void sendError(Poco::Net::HTTPServerResponse& response, const ApiError& error) {
  nlohmann::json body{{"error", {{"code", error.status()}, {"message", error.what()}}}};
  if (!error.field().empty()) body["error"]["field"] = error.field();
  if (error.retryAfter > 0) response.set("Retry-After", std::to_string(error.retryAfter));
  if (!error.allow.empty()) response.set("Allow", error.allow);
  if (!error.challenge.empty()) response.set("WWW-Authenticate", error.challenge);
  // Replace invalid UTF-8 a client sent us rather than fail to describe its mistake.
  sendJson(response, error.status(), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace kubecensus::server
