// What the client reads from an API server's error responses and failures.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace Poco {
class Exception;
namespace Net {
class HTTPResponse;
}
}  // namespace Poco

namespace kubecensus::kube {

// The message of a Kubernetes Status body, or the start of whatever the body is.
std::string statusMessage(const std::string& body);

// Retry-After as seconds or as an HTTP date; nullopt when absent or unreadable.
std::optional<std::chrono::milliseconds> retryAfter(const Poco::Net::HTTPResponse& response);

// A TLS failure about the peer's certificate: another attempt would fail the same way.
bool isCertificateFailure(const Poco::Exception& e);

}  // namespace kubecensus::kube
