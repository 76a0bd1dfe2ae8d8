#pragma once

#include <string>

#include "kubecensus/plugin/sink.h"

namespace kubecensus::http {

// What an HTTP answer means for a report: 2xx delivered; 408, 429 and 5xx retry later
// (honouring Retry-After, in seconds or as an HTTP date); any other status is a rejection
// that retrying cannot fix. `body` is the peer's message, kept short for logs.
DeliveryResult classifyResponse(int status, const std::string& reason, const std::string& retryAfter,
                                const std::string& body);

// Retry-After as seconds from now: "120" or "Wed, 21 Oct 2015 07:28:00 GMT"; 0 if absent or bad.
std::chrono::seconds parseRetryAfter(const std::string& value);

}  // namespace kubecensus::http
