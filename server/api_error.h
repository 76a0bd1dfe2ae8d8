#pragma once

#include <stdexcept>
#include <string>

namespace kubecensus::server {

// An answer other than success, sent as {"error": {"code": <status>, "message", "field"?}}.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message, std::string field = {})
      : std::runtime_error(message), status_(status), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& field() const { return field_; }
  // Seconds for a Retry-After header (503, 429); 0 for none.
  int retryAfter = 0;
  // For 405: the methods the resource supports.
  std::string allow;
  // For 401: the WWW-Authenticate challenge.
  std::string challenge;

 private:
  int status_;
  std::string field_;
};

struct HttpResponse;

// The error's JSON answer with its headers (Retry-After, Allow, WWW-Authenticate).
HttpResponse errorResponse(const ApiError& error);

}  // namespace kubecensus::server
