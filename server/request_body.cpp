#include "request_body.h"

#include <istream>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MediaType.h>

#include "api_error.h"

namespace kubecensus::server {

std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes) {
  const std::string contentType = request.getContentType();
  bool json = false;
  try {
    Poco::Net::MediaType type(contentType);
    json = type.matches("application", "json");
  } catch (const Poco::Exception&) {
  }
  if (!json)
    throw ApiError(415, "Content-Type must be application/json, got '" +
                            (contentType.empty() ? std::string("(none)") : contentType) + "'");
  const std::string limit = std::to_string(maxBytes) + " bytes";
  if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(maxBytes))
    throw ApiError(413, "request body of " + std::to_string(request.getContentLength64()) +
                            " bytes is over the limit of " + limit);
  std::string body;
  char buffer[16384];
  std::istream& in = request.stream();
  while (in) {
    in.read(buffer, sizeof buffer);
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > maxBytes) throw ApiError(413, "request body is over the limit of " + limit);
  }
  if (request.hasContentLength() && body.size() != static_cast<std::uint64_t>(request.getContentLength64()))
    throw ApiError(400, "request body ended after " + std::to_string(body.size()) + " of " +
                            std::to_string(request.getContentLength64()) + " bytes");
  return body;
}

}  // namespace kubecensus::server
