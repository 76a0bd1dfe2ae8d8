#include "request_body.h"

#include <cctype>
#include <istream>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MediaType.h>

#include "api_error.h"
#include "kubecensus/util/gzip.h"

namespace kubecensus::server {
namespace {

// Reads `in` to its end, or throws `tooLarge` once more than `maxBytes` came out of it; the
// bytes read are reserved in `memory` as they arrive.
std::string readAtMost(std::istream& in, std::uint64_t maxBytes, const ApiError& tooLarge,
                       MemoryBudget::Reservation& memory) {
  std::string out;
  char buffer[16384];
  while (in) {
    in.read(buffer, sizeof buffer);
    out.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (out.size() > maxBytes) throw tooLarge;
    memory.growTo(2 * out.size());  // a growing string's capacity runs up to twice its size
  }
  return out;
}

// The inflated body; `memory` grows with it on top of the `body` it holds already.
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
void requireContentType(const Poco::Net::HTTPServerRequest& request,
                        std::initializer_list<const char*> types) {
  const std::string contentType = request.getContentType();
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

// The body as sent, refused with 413 past maxBytes (before reading it when Content-Length
// says so) and 400 when it ends before its Content-Length.
std::string readBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                     MemoryBudget::Reservation& memory) {
  const std::string limit = std::to_string(maxBytes) + " bytes";
  if (request.hasContentLength() && request.getContentLength64() < 0)
    throw ApiError(400, "Content-Length " + std::to_string(request.getContentLength64()) + " is negative");
  if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(maxBytes))
    throw ApiError(413, "request body of " + std::to_string(request.getContentLength64()) +
                            " bytes is over the limit of " + limit);
  std::string body = readAtMost(request.stream(), maxBytes,
                                ApiError(413, "request body is over the limit of " + limit), memory);
  if (request.hasContentLength() && body.size() != static_cast<std::uint64_t>(request.getContentLength64()))
    throw ApiError(400, "request body ended after " + std::to_string(body.size()) + " of " +
                            std::to_string(request.getContentLength64()) + " bytes");
  return body;
}

}  // namespace

std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                         std::uint64_t maxDecompressedBytes, MemoryBudget::Reservation& memory) {
  requireContentType(request, {"application/json"});
  std::string encoding = request.get("Content-Encoding", "identity");
  for (auto& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding != "identity" && encoding != "gzip")
    throw ApiError(415, "Content-Encoding '" + encoding + "' is not supported (gzip or none)");
  std::string body = readBody(request, maxBytes, memory);
  if (encoding != "gzip") {
    memory.growTo(body.size() + jsonParseCost(body.size()));  // the text twice: its capacity
    return body;
  }
  std::string inflated = gunzip(body, maxDecompressedBytes, memory);
  memory.growTo(body.size() + inflated.size() + jsonParseCost(inflated.size()));
  return inflated;
}

std::string readBundleBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                           MemoryBudget::Reservation& memory) {
  requireContentType(request, {"application/gzip", "application/octet-stream"});
  return readBody(request, maxBytes, memory);
}

}  // namespace kubecensus::server
