#pragma once

#include <cstdint>
#include <string>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kubecensus::server {

// Checks that the request carries JSON (415 otherwise) and reads its body, refusing more
// than maxBytes (413) before reading it when Content-Length says so, or as soon as a chunked
// body passes the limit, so an oversized body never sits in memory. A body with
// Content-Encoding: gzip is inflated, up to maxDecompressedBytes (413 beyond: a gzip bomb
// stops there); other encodings are refused with 415, a broken gzip stream with 400.
std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                         std::uint64_t maxDecompressedBytes);

// A bundle's bytes (Content-Type application/gzip or application/octet-stream, else 415),
// with the same size rules.
std::string readBundleBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes);

}  // namespace kubecensus::server
