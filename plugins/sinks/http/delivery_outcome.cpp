#include "delivery_outcome.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

namespace kubecensus::http {

std::chrono::seconds parseRetryAfter(const std::string& value) {
  if (value.empty()) return std::chrono::seconds{0};
  if (value.find_first_not_of("0123456789") == std::string::npos && value.size() <= 9)
    return std::chrono::seconds{std::stol(value)};
  try {
    int tz = 0;
    Poco::DateTime when = Poco::DateTimeParser::parse(value, tz);
    auto delta = (when.timestamp() - Poco::Timestamp()) / Poco::Timestamp::resolution();
    return std::chrono::seconds{delta > 0 ? delta : 0};
  } catch (const Poco::Exception&) {
    return std::chrono::seconds{0};
  }
}

DeliveryResult classifyResponse(int status, const std::string& reason, const std::string& retryAfter,
                                const std::string& body) {
  std::string detail = "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
  if (!body.empty()) detail += ": " + (body.size() > 300 ? body.substr(0, 300) + "..." : body);
  if (status >= 200 && status < 300) return DeliveryResult::delivered(detail);
  if (status == 408 || status == 429 || status >= 500)
    return DeliveryResult::retryLater(detail, parseRetryAfter(retryAfter));
  return DeliveryResult::rejected(detail);
}

}  // namespace kubecensus::http
