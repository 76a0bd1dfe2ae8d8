// The HTTPS client of the BigQuery storage: JSON or form POSTs to Google's endpoints (the token
// URI of the service-account key, the BigQuery REST API), with one kept-alive connection per
// origin. Every endpoint is verified against the system store, or the ca_file when given.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <Poco/Net/Context.h>

namespace Poco::Net {
class HTTPClientSession;
}

namespace kubecensus::bigquery {

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string retryAfter;  // the Retry-After header, if any
};

class GoogleHttp {
 public:
  // caFile: PEM bundle trusted instead of the system store (empty: the system store).
  GoogleHttp(const std::string& caFile, std::chrono::milliseconds timeout);
  ~GoogleHttp();

  // POSTs body to url (http or https). Throws std::runtime_error naming the URL when no answer
  // came (connection refused, TLS failure, timeout); any HTTP status is an answer.
  HttpAnswer post(const std::string& url, const std::string& contentType, const std::string& body,
                  const std::string& bearerToken = {});

 private:
  struct Origin;
  std::unique_ptr<Poco::Net::HTTPClientSession> connect(const Origin& origin) const;

  Poco::Net::Context::Ptr tls_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;  // one request at a time: the storage writes from one thread
  std::map<std::string, std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;  // by origin
};

}  // namespace kubecensus::bigquery
