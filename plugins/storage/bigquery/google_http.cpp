#include "google_http.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <stdexcept>

#include "kubecensus/net/tls_client.h"
#include "kubecensus/util/state_dir.h"
#include "kubecensus/version.h"

namespace kubecensus::bigquery {

struct GoogleHttp::Origin {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string key() const { return scheme + "://" + host + ":" + std::to_string(port); }
};

GoogleHttp::GoogleHttp(const std::string& caFile, std::chrono::milliseconds timeout) : timeout_(timeout) {
  initializeTls();
  TlsSettings tls;
  if (!caFile.empty()) tls.caPem = readFile(caFile);
  tls_ = makeClientContext(tls);  // once: every HTTPS origin is verified against it
}

GoogleHttp::~GoogleHttp() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> GoogleHttp::connect(const Origin& origin) const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (origin.scheme == "https") {
    session = std::make_unique<Poco::Net::HTTPSClientSession>(origin.host, origin.port, tls_);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(origin.host, origin.port);
  }
  session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout_.count()) * 1000));
  session->setKeepAlive(true);
  return session;
}

HttpAnswer GoogleHttp::post(const std::string& url, const std::string& contentType, const std::string& body,
                            const std::string& bearerToken) {
  Poco::URI uri(url);
  Origin origin{uri.getScheme(), uri.getHost(), uri.getPort()};
  if (origin.scheme != "http" && origin.scheme != "https")
    throw std::invalid_argument(url + ": scheme must be http or https");
  std::lock_guard<std::mutex> lock(mutex_);
  // A kept-alive connection the server closed fails on first use: try once more on a new one.
  for (int attempt = 0;; ++attempt) {
    auto& session = sessions_[origin.key()];
    const bool reused = session != nullptr;
    try {
      if (!session) session = connect(origin);
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType(contentType);
      request.setContentLength(static_cast<std::streamsize>(body.size()));
      request.set("User-Agent", std::string("kubecensus-collector/") + kVersion);
      if (!bearerToken.empty()) request.set("Authorization", "Bearer " + bearerToken);
      session->sendRequest(request) << body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session->receiveResponse(response);
      HttpAnswer answer;
      answer.status = static_cast<int>(response.getStatus());
      answer.retryAfter = response.get("Retry-After", "");
      Poco::StreamCopier::copyToString(in, answer.body);
      if (!response.getKeepAlive()) session.reset();
      return answer;
    } catch (const Poco::Exception& e) {
      session.reset();
      // Only a kept-alive connection the server had already closed is worth a second try at
      // once; a timeout is the caller's to retry, after its backoff.
      const bool closedByPeer = dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
                                dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
                                dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr;
      if (reused && attempt == 0 && closedByPeer) continue;
      throw std::runtime_error(url + ": " + e.displayText());
    } catch (const std::exception& e) {
      session.reset();
      throw std::runtime_error(url + ": " + e.what());
    }
  }
}

}  // namespace kubecensus::bigquery
