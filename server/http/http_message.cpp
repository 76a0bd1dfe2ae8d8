#include "http/http_message.h"

#include <cctype>

namespace kubecensus::server {
namespace {

// Header names compare without case (RFC 9110).
bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

std::string HttpRequest::header(std::string_view name, std::string_view fallback) const {
  for (const auto& [key, value] : headers)
    if (equalsIgnoringCase(key, name)) return value;
  return std::string(fallback);
}

std::vector<std::string> HttpRequest::headerLines(std::string_view name) const {
  std::vector<std::string> lines;
  for (const auto& [key, value] : headers)
    if (equalsIgnoringCase(key, name)) lines.push_back(value);
  return lines;
}

HttpResponse& HttpResponse::set(std::string name, std::string value) {
  for (auto& [key, existing] : headers)
    if (equalsIgnoringCase(key, name)) {
      existing = std::move(value);
      return *this;
    }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

HttpResponse jsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.contentType = "application/json";
  response.body = std::move(body);
  return response;
}

}  // namespace kubecensus::server
