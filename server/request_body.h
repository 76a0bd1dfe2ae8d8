#pragma once

#include <cstdint>
#include <string>

namespace kubecensus::server {

struct HttpRequest;

// Checks that the request carries JSON (415 otherwise) and returns its body (the front end read
// it within collector.max_body_size). A body with Content-Encoding: gzip is inflated, up to
// maxDecompressedBytes (413 beyond: a gzip bomb stops there); other encodings are refused with
// 415, a broken gzip stream with 400. The request's memory reservation grows with the inflated
// text and ends holding what parsing it may cost (jsonParseCost); it throws 503/413 when the
// collector's budget cannot hold that.
std::string readJsonBody(HttpRequest& request, std::uint64_t maxDecompressedBytes);

// A bundle's bytes (Content-Type application/gzip or application/octet-stream, else 415).
std::string readBundleBody(HttpRequest& request);

}  // namespace kubecensus::server
