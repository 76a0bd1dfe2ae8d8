#include "request_body.h"

#include <cctype>

#include <Poco/Net/MediaType.h>

#include "api_error.h"
#include "http/http_message.h"
#include "kubecensus/util/gzip.h"

namespace kubecensus::server {
namespace {

// The inflated body; the reservation grows with it on top of the `body` it holds already.
std::string gunzip(const std::string& body, std::uint64_t maxBytes, MemoryBudget::Reservation& memory) {
  try {
    return gzipDecompress(body, maxBytes,
                          [&](std::size_t inflated) { memory.growTo(body.size() + 2 * inflated); });
  } catch (const GzipError& e) {
    if (e.tooLarge()) throw ApiError(413, std::string("gzip request body ") + e.what());
    throw ApiError(400, std::string("request body is ") + e.what());
  }
}

// Content-Type must be one of `types` ("application/json"), else 415.
void requireContentType(const HttpRequest& request, std::initializer_list<const char*> types) {
  const std::string contentType = request.header("Content-Type");
  try {
    Poco::Net::MediaType type(contentType);
    for (const char* accepted : types) {
      Poco::Net::MediaType wanted(accepted);
      if (type.matches(wanted.getType(), wanted.getSubType())) return;
    }
  } catch (const Poco::Exception&) {
  }
  std::string names;
  for (const char* accepted : types) names += std::string(names.empty() ? "" : " or ") + accepted;
  throw ApiError(415, "Content-Type must be " + names + ", got '" +
                          (contentType.empty() ? std::string("(none)") : contentType) + "'");
}

}  // namespace

std::string readJsonBody(HttpRequest& request, std::uint64_t maxDecompressedBytes) {
  requireContentType(request, {"application/json"});
  std::string encoding = request.header("Content-Encoding", "identity");
  for (auto& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding != "identity" && encoding != "gzip")
    throw ApiError(415, "Content-Encoding '" + encoding + "' is not supported (gzip or none)");
  MemoryBudget::Reservation& memory = request.memory;
  if (encoding != "gzip") {
    memory.growTo(request.body.size() + jsonParseCost(request.body.size()));
    return std::move(request.body);
  }
  std::string inflated = gunzip(request.body, maxDecompressedBytes, memory);
  memory.growTo(request.body.size() + inflated.size() + jsonParseCost(inflated.size()));
  request.body.clear();
  return inflated;
}

std::string readBundleBody(HttpRequest& request) {
  requireContentType(request, {"application/gzip", "application/octet-stream"});
  return std::move(request.body);
}

}  // namespace kubecensus::server
