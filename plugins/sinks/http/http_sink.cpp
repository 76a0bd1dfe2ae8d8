#include "http_sink.h"

#include <cstdlib>
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
#include "kubecensus/util/gzip.h"
#include "kubecensus/util/state_dir.h"
#include "kubecensus/version.h"

namespace kubecensus::http {
namespace {

std::string trimSlash(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

namespace {

std::string readFileOption(const Options& options, const std::string& name) {
  const std::string path = options.getString(name, "");
  if (path.empty()) return {};
  try {
    return readFile(path);
  } catch (const std::exception& e) {
    throw std::invalid_argument(name + ": " + e.what());
  }
}

std::optional<std::uint64_t> compressionThreshold(const Options& options, ReportFormat format) {
  const std::string mode = options.getString("compress");
  if (mode == "none") return std::nullopt;
  if (mode == "gzip") return 0;
  // auto: only the native format, whose collector is known to take gzip.
  if (format != ReportFormat::Native) return std::nullopt;
  return options.getSize("compress_above");
}

}  // namespace

HttpSink::HttpSink(const Options& options)
    : format_(requireReportFormat(options.getString("format"))),
      token_(options.getString("token", "")),
      timeout_(options.getDuration("timeout")),
      compressAbove_(compressionThreshold(options, format_)) {
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
  proxy_ = selectProxy(options.getString("proxy", ""), scheme_, host_, [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  });
  if (scheme_ == "https") {
    TlsSettings tls;
    tls.caPem = readFileOption(options, "ca_file");
    tls.clientCertificatePem = readFileOption(options, "client_cert");
    tls.clientKeyPem = readFileOption(options, "client_key");
    tls_ = makeClientContext(tls);  // verifies against the system store when no ca_file
  }
}

HttpSink::~HttpSink() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> HttpSink::connect() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (scheme_ == "https") {
    // Through a proxy, Poco opens a CONNECT tunnel and does TLS with the collector inside it.
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, tls_);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
  }
  if (proxy_) {
    session->setProxy(proxy_->host, proxy_->port);
    if (!proxy_->username.empty()) session->setProxyCredentials(proxy_->username, proxy_->password);
  }
  session->setTimeout(Poco::Timespan(timeout_.count() * 1000));
  return session;
}

DeliveryResult HttpSink::deliver(const Report& report) {
  std::string body = encodeReport(report, format_, format_ == ReportFormat::Tectonic ? &account_ : nullptr);
  const bool compressed = compressAbove_ && body.size() > *compressAbove_;
  if (compressed) body = gzipCompress(body);
  try {
    auto session = connect();
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    if (compressed) request.set("Content-Encoding", "gzip");
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
    return DeliveryResult::retryLater(
        scheme_ + "://" + host_ + ":" + std::to_string(port_) +
        (proxy_ ? " via proxy " + proxy_->host + ":" + std::to_string(proxy_->port) : "") + ": " +
        e.displayText());
  } catch (const std::exception& e) {
    return DeliveryResult::retryLater(e.what());
  }
}

}  // namespace kubecensus::http
