#include "request_body.h"

#include <cctype>
#include <istream>

#include <zlib.h>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MediaType.h>

#include "api_error.h"

namespace kubecensus::server {

namespace {

// Reads `in` to its end, or throws `tooLarge` once more than `maxBytes` came out of it.
std::string readAtMost(std::istream& in, std::uint64_t maxBytes, const ApiError& tooLarge) {
  std::string out;
  char buffer[16384];
  while (in) {
    in.read(buffer, sizeof buffer);
    out.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (out.size() > maxBytes) throw tooLarge;
  }
  return out;
}

// zlib directly rather than a Poco stream: a stream that simply ends early must be an error
// (a truncated upload), which only zlib's Z_STREAM_END tells.
std::string gunzip(const std::string& body, std::uint64_t maxBytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw ApiError(500, "cannot set up gzip decoding");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  std::string out;
  char buffer[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = rc == Z_BUF_ERROR ? "it ends before the gzip stream does"
                                                : (stream.msg ? stream.msg : "error " + std::to_string(rc));
      inflateEnd(&stream);
      throw ApiError(400, "request body is not valid gzip: " + why);
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > maxBytes) {
      inflateEnd(&stream);
      throw ApiError(
          413, "gzip request body inflates to more than the limit of " + std::to_string(maxBytes) + " bytes");
    }
  }
  const bool trailing = stream.avail_in > 0;
  inflateEnd(&stream);
  if (trailing) throw ApiError(400, "request body is not valid gzip: bytes after the end of the gzip stream");
  return out;
}

}  // namespace

std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                         std::uint64_t maxDecompressedBytes) {
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
  std::string encoding = request.get("Content-Encoding", "identity");
  for (auto& c : encoding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (encoding != "identity" && encoding != "gzip")
    throw ApiError(415, "Content-Encoding '" + encoding + "' is not supported (gzip or none)");
  const std::string limit = std::to_string(maxBytes) + " bytes";
  if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(maxBytes))
    throw ApiError(413, "request body of " + std::to_string(request.getContentLength64()) +
                            " bytes is over the limit of " + limit);
  std::string body =
      readAtMost(request.stream(), maxBytes, ApiError(413, "request body is over the limit of " + limit));
  if (request.hasContentLength() && body.size() != static_cast<std::uint64_t>(request.getContentLength64()))
    throw ApiError(400, "request body ended after " + std::to_string(body.size()) + " of " +
                            std::to_string(request.getContentLength64()) + " bytes");
  return encoding == "gzip" ? gunzip(body, maxDecompressedBytes) : body;
}

}  // namespace kubecensus::server
