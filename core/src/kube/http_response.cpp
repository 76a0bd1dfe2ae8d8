#include "http_response.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timestamp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace kubecensus::kube {

std::string statusMessage(const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("message") && doc["message"].is_string()) return doc["message"];
  std::string text = body.substr(0, 300);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

std::optional<std::chrono::milliseconds> retryAfter(const Poco::Net::HTTPResponse& response) {
  if (!response.has("Retry-After")) return std::nullopt;
  const std::string& value = response.get("Retry-After");
  try {
    std::size_t used = 0;
    long seconds = std::stol(value, &used);
    if (used == value.size() && seconds >= 0)
      return std::chrono::milliseconds(std::min<long>(seconds, 3600) * 1000);
  } catch (const std::exception&) {
  }
  Poco::DateTime when;
  int tzd = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, value, when, tzd))
    return std::nullopt;
  when.makeUTC(tzd);
  auto delta = (when.timestamp() - Poco::Timestamp()) / 1000;
  return std::chrono::milliseconds(std::max<Poco::Timestamp::TimeDiff>(0, delta));
}

bool isCertificateFailure(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e)) return true;
  return dynamic_cast<const Poco::Net::SSLException*>(&e) &&
         e.displayText().find("certificate") != std::string::npos;
}

}  // namespace kubecensus::kube
