#include "http_sink.h"

#include <sstream>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "delivery_outcome.h"
#include "kubecensus/net/tls_client.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/version.h"

namespace kubecensus::http {
namespace {

std::string trimSlash(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

HttpSink::HttpSink(const Options& options)
    : format_(requireReportFormat(options.getString("format"))),
      token_(options.getString("token", "")),
      caFile_(options.getString("ca_file", "")),
      timeout_(options.getDuration("timeout")) {
  Poco::URI uri(options.getString("url"));
  scheme_ = uri.getScheme();
  if (scheme_ != "http" && scheme_ != "https")
    throw std::invalid_argument("url: scheme must be http or https, not '" + scheme_ + "'");
  if (uri.getHost().empty()) throw std::invalid_argument("url: no host in '" + uri.toString() + "'");
  host_ = uri.getHost();
  port_ = uri.getPort();
  path_ = trimSlash(uri.getPath()) + (format_ == ReportFormat::Native ? "/api/v2/reports" : "/api/v1");
  if (format_ == ReportFormat::Tectonic) {
    account_.accountID = options.getString("account_id", "");
    account_.accountSecret = options.getString("account_secret", "");
    if (account_.accountID.empty() || account_.accountSecret.empty())
      throw std::invalid_argument("format tectonic needs account_id and account_secret");
  }
  if (scheme_ == "https") initializeTls();
}

HttpSink::~HttpSink() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> HttpSink::connect() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (scheme_ == "https") {
    // Verify the peer against the configured CA, or the system store when none is given.
    Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                                           caFile_, Poco::Net::Context::VERIFY_RELAXED, 9,
                                                           caFile_.empty()));
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
  }
  session->setTimeout(Poco::Timespan(timeout_.count() * 1000));
  return session;
}

DeliveryResult HttpSink::deliver(const Report& report) {
  std::string body = encodeReport(report, format_, format_ == ReportFormat::Tectonic ? &account_ : nullptr);
  try {
    auto session = connect();
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", std::string("kubecensus-agent/") + kVersion);
    if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    std::string answer;
    Poco::StreamCopier::copyToString(in, answer, 4096);
    if (answer.size() > 4096) answer.resize(4096);
    return classifyResponse(static_cast<int>(response.getStatus()), response.getReason(),
                            response.get("Retry-After", ""), answer);
  } catch (const Poco::Exception& e) {
    return DeliveryResult::retryLater(scheme_ + "://" + host_ + ":" + std::to_string(port_) + ": " +
                                      e.displayText());
  } catch (const std::exception& e) {
    return DeliveryResult::retryLater(e.what());
  }
}

}  // namespace kubecensus::http
