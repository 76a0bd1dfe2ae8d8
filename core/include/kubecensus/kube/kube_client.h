// A small Kubernetes API client for the agent's sources: GET of single objects and paged,
// streaming LISTs whose memory is bounded by one object, not by the cluster.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kubecensus/kube/cluster_access.h"

namespace kubecensus {

class Logger;

// A resource the sources read: group "" is the core API (/api/v1/<resource>), any other
// group lives under /apis/<group>/<version>/<resource>.
struct ApiResource {
  std::string group;
  std::string version;
  std::string resource;  // plural: nodes, pods, deployments
  std::string path() const;
  std::string str() const;  // "deployments.apps" or "nodes"
};

// A request the API server refused or that kept failing. For 401/403 the message names the
// verb and resource and the RBAC rule that would allow it.
class KubeError : public std::runtime_error {
 public:
  KubeError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }  // HTTP status; 0 for a network or parse failure
  bool forbidden() const { return status_ == 401 || status_ == 403; }

 private:
  int status_;
};

struct KubeClientSettings {
  std::chrono::milliseconds connectTimeout{10000};
  std::chrono::milliseconds readTimeout{30000};
  int maxAttempts = 5;                            // for 429, 5xx and network errors, with backoff
  std::chrono::milliseconds initialBackoff{250};  // doubled per attempt, with jitter
  std::chrono::milliseconds maxBackoff{10000};    // Retry-After is honoured beyond it (up to 60 s)
  std::chrono::milliseconds execTimeout{60000};   // an exec credential plugin is killed after it
  std::uint32_t pageSize = 500;                   // `limit` of each LIST page
};

struct ListOptions {
  // Ask for PartialObjectMetadataList (metadata only); servers that cannot answer with it
  // send full objects, which callers must accept too.
  bool metadataOnly = false;
  // What of each item the caller reads, as dotted paths ("metadata.namespace", "status.phase");
  // the rest is skipped while parsing. Empty: whole items.
  std::vector<std::string> fields;
};

class KubeClient {
 public:
  KubeClient(ClusterAccess access, KubeClientSettings settings, Logger& log);
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  // GET path (e.g. "/version", "/api/v1/namespaces/kube-system"). Throws KubeError.
  nlohmann::json get(const std::string& path);

  // POST a JSON body (e.g. a SelfSubjectAccessReview) and return the answer. Throws KubeError.
  nlohmann::json post(const std::string& path, const nlohmann::json& body);

  // LIST every object of `resource` across namespaces, page by page (limit + continue),
  // calling onItem with each object as it is parsed. An expired continue token (410 Gone)
  // restarts the list from the beginning, and onRestart is called first so the caller can
  // drop what it counted. Throws KubeError.
  void list(const ApiResource& resource, const ListOptions& options,
            const std::function<void(const nlohmann::json& item)>& onItem,
            const std::function<void()>& onRestart = {});

  const ClusterAccess& access() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubecensus
