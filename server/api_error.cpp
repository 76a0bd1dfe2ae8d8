#include "api_error.h"

#include <nlohmann/json.hpp>

#include "http/http_message.h"

namespace kubecensus::server {

HttpResponse errorResponse(const ApiError& error) {
  nlohmann::json body{{"error", {{"code", error.status()}, {"message", error.what()}}}};
  if (!error.field().empty()) body["error"]["field"] = error.field();
  // Replace invalid UTF-8 a client sent us rather than fail to describe its mistake.
  HttpResponse response =
      jsonResponse(error.status(), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (error.retryAfter > 0) response.set("Retry-After", std::to_string(error.retryAfter));
  if (!error.allow.empty()) response.set("Allow", error.allow);
  if (!error.challenge.empty()) response.set("WWW-Authenticate", error.challenge);
  return response;
}

}  // namespace kubecensus::server
