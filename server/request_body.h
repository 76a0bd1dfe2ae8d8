#pragma once

#include <cstdint>
#include <string>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kubecensus::server {

// Checks that the request carries JSON (415 otherwise) and reads its body, refusing more
// than maxBytes (413) before reading it when Content-Length says so, or as soon as a chunked
// body passes the limit, so an oversized body never sits in memory.
std::string readJsonBody(Poco::Net::HTTPServerRequest& request, std::uint64_t maxBytes);

}  // namespace kubecensus::server
