#include "kubecensus/kube/kube_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "credentials.h"
#include "http_response.h"
#include "kubecensus/kube/list_stream.h"
#include "kubecensus/kube/request_target.h"
#include "kubecensus/net/tls_client.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/version.h"
#include "server_url.h"

namespace kubecensus {

// The module's internals (credentials, TLS, exec plugins, ...) live in kubecensus::kube.
using namespace kube;

namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr int kMaxRestarts = 3;
constexpr std::chrono::seconds kMaxRetryAfter{60};
constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr const char* kJson = "application/json";
constexpr const char* kMetadataList =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

// A failure that another attempt may not have: a dropped connection, a truncated body.
class TransientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A LIST page turned out malformed after some of its items were handed over: the list starts
// again (asking for the page again would count those items twice).
class PageInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

std::string ApiResource::path() const {
  std::string v = version.empty() ? "v1" : version;
  return group.empty() ? "/api/" + v + "/" + resource : "/apis/" + group + "/" + v + "/" + resource;
}

std::string ApiResource::str() const {
  return group.empty() ? resource : resource + "." + group;
}

class KubeClient::Impl {
 public:
  Impl(ClusterAccess access, KubeClientSettings settings, Logger& log)
      : access_(std::move(access)),
        settings_(settings),
        log_(log),
        url_(parseServer(access_.server)),
        credentials_(access_, settings.execTimeout),
        rng_(std::random_device{}()) {
    if (settings_.maxAttempts < 1) settings_.maxAttempts = 1;
    if (access_.caPem.empty() && !access_.caFile.empty()) caFile_.emplace(access_.caFile, "CA file");
    if (url_.https && access_.insecureSkipTlsVerify)
      log_.warning("TLS verification of " + access_.server + " is disabled (insecure-skip-tls-verify)");
  }

  const ClusterAccess& access() const { return access_; }

  json get(const std::string& path) { return exchange(Poco::Net::HTTPRequest::HTTP_GET, path, nullptr); }

  // Only for requests without side effects (reviews), since a failed attempt is retried.
  json post(const std::string& path, const json& body) {
    std::string text = body.dump();
    return exchange(Poco::Net::HTTPRequest::HTTP_POST, path, &text);
  }

  void list(const ApiResource& resource, const ListOptions& options,
            const std::function<void(const json&)>& onItem, const std::function<void()>& onRestart) {
    RequestTarget target = listTarget(resource);
    bool metadataOnly = options.metadataOnly && !metadataListsUnsupported_;
    std::string continueToken;
    int restarts = 0;
    for (;;) {
      std::string path = resource.path() + "?limit=" + std::to_string(settings_.pageSize);
      if (!continueToken.empty()) path += "&continue=" + urlEncode(continueToken);
      ListPage page;
      std::string restartReason;
      int restartStatus = 0;
      try {
        perform({Poco::Net::HTTPRequest::HTTP_GET, path, metadataOnly ? kMetadataList : kJson, nullptr},
                target, [&](std::istream& body) { page = readPage(body, onItem, options.fields); });
      } catch (const PageInterrupted& e) {
        restartReason = e.what();
      } catch (const KubeError& e) {
        if (e.status() == 410 && !continueToken.empty()) {
          restartReason = "the continue token expired (HTTP 410)";
          restartStatus = 410;
        } else if (e.status() == 406 && metadataOnly) {
          log_.info("LIST " + resource.str() +
                    ": the server cannot send metadata-only lists; asking for full objects");
          metadataListsUnsupported_ = true;
          metadataOnly = false;
          continue;  // the same page again
        } else {
          throw;
        }
      }
      if (!restartReason.empty()) {
        if (++restarts > kMaxRestarts)
          throw KubeError(restartStatus, "LIST " + resource.str() + ": restarted " +
                                             std::to_string(kMaxRestarts) +
                                             " times and still incomplete: " + restartReason);
        log_.warning("LIST " + resource.str() + ": " + restartReason + "; starting the list again");
        if (onRestart) onRestart();
        continueToken.clear();
        continue;
      }
      if (metadataOnly && page.kind != "PartialObjectMetadataList" && !loggedFullObjects_.exchange(true))
        log_.debug("LIST " + resource.str() + ": the server sent " + page.kind + " instead of metadata only");
      if (page.continueToken.empty()) return;
      continueToken = page.continueToken;
    }
  }

 private:
  using BodyReader = std::function<void(std::istream&)>;

  struct Call {
    const std::string& method;
    const std::string& path;  // below the server's prefix
    const char* accept;
    const std::string* body;  // JSON to send, or nullptr
  };

  json exchange(const std::string& method, const std::string& path, const std::string* body) {
    RequestTarget target = getTarget(path);
    if (body) target.verb = "create";
    json doc;
    // Parsed inside the attempt: a body cut off mid-way (which Poco's streams report only as a
    // short read) is retried like any broken connection.
    perform({method, path, kJson, body}, target, [&](std::istream& in) {
      std::string text;
      Poco::StreamCopier::copyToString(in, text);
      doc = json::parse(text, nullptr, false);
      if (in.bad() || doc.is_discarded()) throw TransientError("the response is not complete JSON");
    });
    return doc;
  }

  // The page is read whole before its first item is handed over, so a connection that breaks
  // delivered nothing and the page is simply asked for again.
  static ListPage readPage(std::istream& body, const std::function<void(const json&)>& onItem,
                           const std::vector<std::string>& fields) {
    bool inCallback = false;
    std::size_t delivered = 0;
    std::string why;
    try {
      return parseListStream(
          body,
          [&](const json& item) {
            inCallback = true;
            onItem(item);
            inCallback = false;
            ++delivered;
          },
          fields);
    } catch (const Poco::Exception& e) {
      if (inCallback) throw;
      why = e.displayText();
    } catch (const std::exception& e) {
      if (inCallback) throw;  // the caller's own exception, untouched
      why = e.what();
    }
    if (delivered > 0)
      throw PageInterrupted("a page turned out malformed after " + std::to_string(delivered) +
                            " items: " + why);
    throw TransientError(why);
  }

  // One request with retries; `read` consumes a 2xx body.
  void perform(const Call& call, const RequestTarget& target, const BodyReader& read) {
    const std::string& path = call.path;
    bool refreshed = false;
    std::string problem;
    int problemStatus = 0;
    for (int attempt = 1;; ++attempt) {
      std::optional<milliseconds> wait;
      Auth auth = credentials_.current();
      bool reused = false;
      auto session = acquire(auth, reused);
      try {
        Poco::Net::HTTPRequest request(call.method, url_.prefix + path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Accept", call.accept);
        if (call.body) {
          request.setContentType(kJson);
          request.setContentLength(static_cast<std::streamsize>(call.body->size()));
        }
        request.set("User-Agent", std::string("kubecensus/") + kVersion);
        if (!auth.bearerToken.empty()) request.set("Authorization", "Bearer " + auth.bearerToken);
        Poco::Net::HTTPResponse response;
        std::istream* body = nullptr;
        try {
          std::ostream& out = session->sendRequest(request);
          if (call.body) out << *call.body;
          body = &session->receiveResponse(response);
        } catch (const Poco::Exception& e) {
          // A kept-alive connection the server has closed meanwhile: not worth an attempt. A
          // timeout is the server's slowness, not the connection's age: it counts (a slow
          // server otherwise cost one timeout more; found by agent_api_fault_test).
          if (reused && !isCertificateFailure(e) && !dynamic_cast<const Poco::TimeoutException*>(&e)) {
            --attempt;
            continue;
          }
          throw;
        }
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
          read(*body);
          release(std::move(session));
          return;
        }
        std::string text;
        text.resize(kMaxErrorBody);
        body->read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(body->gcount()));
        std::string message = statusMessage(text);
        if (status == 401 && !refreshed && credentials_.refreshAfterUnauthorized()) {
          refreshed = true;
          --attempt;
          continue;
        }
        if (status != 429 && status < 500)
          throw errorFor(status, response.getReason(), message, call, target);
        problemStatus = status;
        problem = "HTTP " + std::to_string(status) + " " + response.getReason() +
                  (message.empty() ? "" : ": " + message);
        wait = retryAfter(response);
      } catch (const Poco::Exception& e) {
        if (isCertificateFailure(e)) throw tlsError(e);
        problemStatus = 0;
        problem = e.displayText();
      } catch (const TransientError& e) {
        problemStatus = 0;
        problem = e.what();
      }
      if (attempt >= settings_.maxAttempts)
        throw KubeError(problemStatus, call.method + " " + url_.text + path + ": " + problem +
                                           " (gave up after " + std::to_string(attempt) + " attempts)");
      // Retry-After is a floor (and may exceed maxBackoff), never shorter than our own backoff.
      milliseconds delay = backoff(attempt);
      if (wait) delay = std::max(delay, std::min<milliseconds>(*wait, kMaxRetryAfter));
      log_.info(call.method + " " + path + ": " + problem + "; retrying in " + std::to_string(delay.count()) +
                " ms (attempt " + std::to_string(attempt + 1) + " of " +
                std::to_string(settings_.maxAttempts) + ")");
      std::this_thread::sleep_for(delay);
    }
  }

  KubeError errorFor(int status, const std::string& reason, const std::string& message, const Call& call,
                     const RequestTarget& target) const {
    std::string said = message.empty() ? "" : " The API server said: " + message;
    if (status == 401)
      return KubeError(status,
                       "unauthorized (HTTP 401): the credentials of " + access_.origin + " were rejected");
    if (status == 403)
      return KubeError(status, "forbidden: cannot " + describe(target) +
                                   " (HTTP 403). Grant it with an RBAC rule: " + rbacRule(target) + "." +
                                   said);
    return KubeError(status, call.method + " " + call.path + ": HTTP " + std::to_string(status) + " " +
                                 reason + (message.empty() ? "" : ": " + message));
  }

  KubeError tlsError(const Poco::Exception& e) const {
    std::string what = e.displayText();
    // An alert is the server's complaint about us; anything else is ours about its certificate.
    if (what.find(" alert ") != std::string::npos)
      return KubeError(0, "TLS connection to " + access_.server + " was refused by the server: " + what +
                              " (does it require a client certificate, and accept the one of " +
                              access_.origin + "?)");
    return KubeError(0, "TLS connection to " + access_.server + " failed: " + what +
                            " (the server's certificate must chain to the configured CA and name the host " +
                            url_.host + ")");
  }

  milliseconds backoff(int attempt) {
    auto base = settings_.initialBackoff.count() << std::min(attempt - 1, 20);
    base = std::min<long long>(base, settings_.maxBackoff.count());
    std::lock_guard<std::mutex> lock(mutex_);
    std::uniform_int_distribution<long long> jitter(base / 2, std::max<long long>(base, 0));
    return milliseconds(jitter(rng_));
  }

  std::unique_ptr<Poco::Net::HTTPClientSession> acquire(const Auth& auth, bool& reused) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (url_.https) {
      TlsSettings tls{access_.caPem, access_.insecureSkipTlsVerify, auth.clientCertificatePem,
                      auth.clientKeyPem};
      if (caFile_ && !tls.insecureSkipVerify) tls.caPem = caFile_->read();
      std::string key = tls.caPem + '\0' + tls.clientCertificatePem + '\0' + tls.clientKeyPem;
      if (!context_ || key != contextKey_) {
        try {
          context_ = makeClientContext(tls);
        } catch (const std::exception& e) {
          throw KubeError(0, "TLS settings of " + access_.origin + ": " + e.what());
        }
        contextKey_ = std::move(key);
        idle_.clear();  // they hold the old context
      }
    }
    reused = !idle_.empty();
    if (reused) {
      session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
    if (url_.https) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(url_.host, url_.port, context_);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(url_.host, url_.port);
    }
    session->setKeepAlive(true);
    session->setTimeout(Poco::Timespan(settings_.connectTimeout.count() * 1000),
                        Poco::Timespan(settings_.readTimeout.count() * 1000),
                        Poco::Timespan(settings_.readTimeout.count() * 1000));
    return session;
  }

  void release(std::unique_ptr<Poco::Net::HTTPClientSession> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < 4) idle_.push_back(std::move(session));
  }

  ClusterAccess access_;
  KubeClientSettings settings_;
  Logger& log_;
  ServerUrl url_;
  Credentials credentials_;
  std::optional<WatchedFile> caFile_;
  std::mutex mutex_;  // guards what follows
  Poco::Net::Context::Ptr context_;
  std::string contextKey_;  // the PEM data context_ was built from
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;
  std::mt19937 rng_;
  std::atomic<bool> metadataListsUnsupported_{false};
  std::atomic<bool> loggedFullObjects_{false};
};

KubeClient::KubeClient(ClusterAccess access, KubeClientSettings settings, Logger& log)
    : impl_(std::make_unique<Impl>(std::move(access), settings, log)) {}

KubeClient::~KubeClient() = default;

json KubeClient::get(const std::string& path) {
  return impl_->get(path);
}

json KubeClient::post(const std::string& path, const json& body) {
  return impl_->post(path, body);
}

void KubeClient::list(const ApiResource& resource, const ListOptions& options,
                      const std::function<void(const json&)>& onItem,
                      const std::function<void()>& onRestart) {
  impl_->list(resource, options, onItem, onRestart);
}

const ClusterAccess& KubeClient::access() const {
  return impl_->access();
}

}  // namespace kubecensus
