// A scriptable HTTP(S) server on 127.0.0.1:0 standing in for a Kubernetes API server in the
// client tests, or for a collector answering an agent: each request goes to a handler that
// returns the response (status, headers, body, or a body cut off midway), and every request is
// recorded.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kctest {

struct FakeRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // decoded
  std::string accept;
  std::string authorization;
  std::string clientCommonName;  // of the TLS client certificate, if one was sent
  std::string contentEncoding;
  std::string contentType;
  std::string body;  // as received (still compressed when Content-Encoding says so)
  std::chrono::steady_clock::time_point receivedAt;

  std::string param(const std::string& name) const {
    for (const auto& [k, v] : query)
      if (k == name) return v;
    return {};
  }
  bool hasParam(const std::string& name) const {
    for (const auto& [k, v] : query)
      if (k == name) return true;
    return false;
  }
};

struct FakeResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string contentType = "application/json";
  bool chunked = false;
  // Send only this many bytes of the body (Content-Length says all of it), then close.
  std::optional<std::size_t> cutAfter;
};

inline FakeResponse jsonResponse(int status, std::string body) {
  FakeResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

inline FakeResponse statusResponse(int code, const std::string& reason, const std::string& message) {
  return jsonResponse(
      code, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")" + message +
                R"(","reason":")" + reason + R"(","code":)" + std::to_string(code) + "}");
}

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  struct Tls {
    std::string certFile;
    std::string keyFile;
    std::string clientCaFile;  // non-empty: a client certificate from this CA is required
  };

  explicit FakeHttpServer(Handler handler, std::optional<Tls> tls = std::nullopt)
      : handler_(std::move(handler)) {
    Poco::Net::SocketAddress address("127.0.0.1", 0);
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    if (tls) {
      using Poco::Net::Context;
      bool clientCerts = !tls->clientCaFile.empty();
      Context::Ptr context(
          new Context(Context::TLS_SERVER_USE, tls->keyFile, tls->certFile, tls->clientCaFile,
                      clientCerts ? Context::VERIFY_STRICT : Context::VERIFY_NONE, 9, false));
      // A client certificate names no host: verify its chain only.
      context->enableExtendedCertificateVerification(false);
      socket = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
      scheme_ = "https";
    } else {
      socket = std::make_unique<Poco::Net::ServerSocket>(address);
    }
    port_ = socket->address().port();
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(5, 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket, params);
    server_->start();
  }

  ~FakeHttpServer() {
    server_->stopAll(true);
    // stopAll does not wait for handlers still running (a test's deliberately slow one); if the
    // process ended meanwhile they would use what static destruction freed.
    for (int i = 0; i < 500 && server_->currentConnections() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::string url() const { return scheme_ + "://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

  std::vector<FakeRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  std::size_t requestCount() const { return requests().size(); }
  // Connections accepted so far (whether or not a request came on them).
  int connectionCount() const { return server_->totalConnections(); }

 private:
  class Handle : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handle(FakeHttpServer& server) : server_(server) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      server_.handle(request, response);
    }

   private:
    FakeHttpServer& server_;
  };

  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(FakeHttpServer& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handle(server_);
    }

   private:
    FakeHttpServer& server_;
  };

  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    FakeRequest recorded;
    recorded.method = request.getMethod();
    Poco::URI uri(request.getURI());
    recorded.path = uri.getPath();
    for (const auto& kv : uri.getQueryParameters()) recorded.query.push_back(kv);
    recorded.accept = request.get("Accept", "");
    recorded.authorization = request.get("Authorization", "");
    recorded.contentEncoding = request.get("Content-Encoding", "");
    recorded.contentType = request.get("Content-Type", "");
    recorded.receivedAt = std::chrono::steady_clock::now();
    Poco::StreamCopier::copyToString(request.stream(), recorded.body);
    if (scheme_ == "https") {
      try {
        Poco::Net::SecureStreamSocket socket(
            static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket());
        if (socket.havePeerCertificate()) recorded.clientCommonName = socket.peerCertificate().commonName();
      } catch (const Poco::Exception&) {
      }
    }
    FakeResponse reply;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(recorded);
    }
    reply = handler_(recorded);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    response.setContentType(reply.contentType);
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    if (reply.cutAfter) {
      response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
      response.setKeepAlive(false);
      std::ostream& out = response.send();
      out.write(reply.body.data(),
                static_cast<std::streamsize>(std::min(*reply.cutAfter, reply.body.size())));
      out.flush();
      return;
    }
    if (reply.chunked) {
      response.setChunkedTransferEncoding(true);
    } else {
      response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
    }
    response.send() << reply.body;
  }

  Handler handler_;
  std::string scheme_ = "http";
  std::uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::vector<FakeRequest> requests_;
};

}  // namespace kctest
