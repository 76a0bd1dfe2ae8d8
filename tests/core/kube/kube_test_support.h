// Shared by the kube client tests: a logger that keeps what it logs, settings with tiny backoffs,
// and generated lists served page by page the way an API server pages them.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fake_http_server.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/util/logger.h"

namespace kctest {

class CapturingLogger : public kubecensus::Logger {
 public:
  CapturingLogger() : Logger("kube", kubecensus::LogLevel::Debug) {}
  std::string text() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 protected:
  void emit(std::string_view line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    text_ += line;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

inline kubecensus::KubeClientSettings fastSettings() {
  kubecensus::KubeClientSettings s;
  s.connectTimeout = std::chrono::milliseconds(2000);
  s.readTimeout = std::chrono::milliseconds(2000);
  s.maxAttempts = 4;
  s.initialBackoff = std::chrono::milliseconds(1);
  s.maxBackoff = std::chrono::milliseconds(5);
  s.execTimeout = std::chrono::milliseconds(5000);
  s.pageSize = 2;
  return s;
}

inline kubecensus::ClusterAccess accessTo(const FakeHttpServer& server, const std::string& token = "t0ken") {
  kubecensus::ClusterAccess access;
  access.server = server.url();
  access.token = token;
  access.origin = "test cluster";
  return access;
}

inline nlohmann::json makeNode(int i) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", "node-" + std::to_string(i)}, {"uid", "uid-" + std::to_string(i)}}},
          {"status", {{"nodeInfo", {{"kubeletVersion", "v1.33.1"}}}}}};
}

// Serves `items` in pages of the request's `limit`; continue tokens carry characters that must
// be URL-encoded. metadataOnly answers requests asking for PartialObjectMetadataList.
inline FakeResponse pageOf(const FakeRequest& request, const std::vector<nlohmann::json>& items,
                           const std::string& kind = "NodeList") {
  std::size_t limit = request.hasParam("limit") ? std::stoul(request.param("limit")) : items.size();
  std::size_t offset = 0;
  if (request.hasParam("continue")) {
    std::string token = request.param("continue");
    if (token.rfind("c+/=", 0) != 0) return statusResponse(400, "BadRequest", "bad continue token " + token);
    offset = std::stoul(token.substr(4));
  }
  bool metadataOnly = request.accept.find("as=PartialObjectMetadataList") != std::string::npos;
  nlohmann::json page = {{"kind", metadataOnly ? "PartialObjectMetadataList" : kind},
                         {"apiVersion", metadataOnly ? "meta.k8s.io/v1" : "v1"},
                         {"metadata", {{"resourceVersion", "4242"}}},
                         {"items", nlohmann::json::array()}};
  for (std::size_t i = offset; i < items.size() && i < offset + limit; ++i) {
    if (metadataOnly) {
      page["items"].push_back({{"apiVersion", "meta.k8s.io/v1"},
                               {"kind", "PartialObjectMetadata"},
                               {"metadata", items[i]["metadata"]}});
    } else {
      page["items"].push_back(items[i]);
    }
  }
  if (offset + limit < items.size()) page["metadata"]["continue"] = "c+/=" + std::to_string(offset + limit);
  FakeResponse response = jsonResponse(200, page.dump());
  response.chunked = true;  // as the API server sends lists
  return response;
}

inline std::vector<nlohmann::json> makeNodes(int n) {
  std::vector<nlohmann::json> nodes;
  for (int i = 0; i < n; ++i) nodes.push_back(makeNode(i));
  return nodes;
}

}  // namespace kctest
