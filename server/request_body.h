#pragma once

#include <cstdint>
#include <string>

#include "memory_budget.h"

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kubecensus::server {

// Checks that the request carries JSON (415 otherwise) and reads its body, refusing more
// than maxBytes (413) before reading it when Content-Length says so, or as soon as a chunked
// body passes the limit, so an oversized body never sits in memory. A body with
// Content-Encoding: gzip is inflated, up to maxDecompressedBytes (413 beyond: a gzip bomb
// stops there); other encodings are refused with 415, a broken gzip stream with 400.
// `memory` grows with the body as it is read and inflated, and ends holding what parsing it may
// cost (jsonParseCost); it throws 503/413 when the collector's budget cannot hold that.
std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                         std::uint64_t maxDecompressedBytes, MemoryBudget::Reservation& memory);

// A bundle's bytes (Content-Type application/gzip or application/octet-stream, else 415),
// with the same size rules.
std::string readBundleBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes,
                           MemoryBudget::Reservation& memory);

}  // namespace kubecensus::server
