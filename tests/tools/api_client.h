// What the test API server's tests share: an HTTPS client that trusts only the server's own
// CA (Poco NetSSL, certificate verified, kept-alive session), JSON helpers, the real kubectl,
// and the server's resident memory. Header-only because only *_test.cpp files here are built.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_api_server.h"

namespace kctest {

using nlohmann::json;

inline const std::string kMetadataAccept =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
inline const std::string kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/"
    "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

struct ApiAnswer {
  int status = 0;
  std::string contentType;
  std::string body;

  json document() const { return json::parse(body); }
};

class ApiClient {
 public:
  // Verifies the server against its own CA only and sends the server's token.
  explicit ApiClient(const TestApiServer& server) : ApiClient(server, server.token()) {}
  // Sends `token` instead ("" for no Authorization header).
  ApiClient(const TestApiServer& server, std::string token) : token_(std::move(token)) {
    initializeSsl();
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", server.tls().caCert,
                                      Poco::Net::Context::VERIFY_RELAXED);
    session_ = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", server.port(), context_);
    session_->setTimeout(Poco::Timespan(30, 0));
  }

  static void initializeSsl() {
    static std::once_flag once;
    std::call_once(once, [] {
      Poco::Net::initializeSSL();
      // Without a handler Poco would look for an application configuration; reject instead.
      Poco::Net::SSLManager::instance().initializeClient(
          nullptr, new Poco::Net::RejectCertificateHandler(false),
          new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED));
    });
  }

  ApiAnswer get(const std::string& pathAndQuery, const std::string& accept = "application/json") {
    return send("GET", pathAndQuery, accept, "", "");
  }
  ApiAnswer post(const std::string& path, const std::string& body,
                 const std::string& contentType = "application/json") {
    return send("POST", path, "application/json", body, contentType);
  }
  Poco::Net::HTTPSClientSession& session() { return *session_; }

 private:
  ApiAnswer send(const std::string& method, const std::string& pathAndQuery, const std::string& accept,
                 const std::string& body, const std::string& contentType) {
    Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!accept.empty()) request.set("Accept", accept);
    if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
    if (method == "POST") {
      request.setContentType(contentType);
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session_->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    ApiAnswer answer;
    answer.status = response.getStatus();
    answer.contentType = response.getContentType();
    Poco::StreamCopier::copyToString(in, answer.body);
    return answer;
  }

  std::string token_;
  Poco::Net::Context::Ptr context_;
  std::unique_ptr<Poco::Net::HTTPSClientSession> session_;
};

// The names of a list's items, in order.
inline std::vector<std::string> itemNames(const json& list) {
  std::vector<std::string> names;
  for (const auto& item : list.at("items")) names.push_back(item.at("metadata").at("name"));
  return names;
}

// VmRSS of a process in KiB (0 if it cannot be read).
inline long residentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Runs the real kubectl against `server` with a private HOME and discovery cache.
inline RunResult kubectl(const TestApiServer& server, std::vector<std::string> args,
                         const std::string& kubeconfig = "") {
  const std::string home = server.directory() + "/kubectl-home";
  args.insert(args.begin(), {"--kubeconfig", kubeconfig.empty() ? server.kubeconfig() : kubeconfig,
                             "--cache-dir", home + "/cache", "--request-timeout", "20s"});
  return run("/usr/bin/kubectl", args, {{"HOME", home}, {"KUBECONFIG", ""}});
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace kctest
