// The Kubernetes resources the test API server knows: what discovery advertises and which
// list kinds it answers with. Every known resource is always served (an empty list when no
// objects were loaded or generated), the way a real cluster has no CronJobs rather than no
// CronJob API.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kctest::apiserver {

struct ResourceType {
  std::string plural;    // "deployments"
  std::string singular;  // "deployment"
  std::string group;     // "" for the core group, "apps", "batch"
  std::string version;   // "v1"
  std::string kind;      // "Deployment"
  bool namespaced = false;
  std::vector<std::string> shortNames;
  std::vector<std::string> verbs;

  // "pods" for the core group, "deployments.apps" otherwise: how --objects, --forbid and
  // --generate name a resource (and how kubectl spells it on its command line).
  std::string key() const { return group.empty() ? plural : plural + "." + group; }
  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  std::string listKind() const { return kind + "List"; }
  // "/api/v1" or "/apis/apps/v1"
  std::string pathPrefix() const { return group.empty() ? "/api/" + version : "/apis/" + apiVersion(); }
};

class ResourceCatalog {
 public:
  ResourceCatalog();

  const std::vector<ResourceType>& all() const { return resources_; }
  // By key ("pods", "deployments.apps"); a bare plural of a non-core group ("deployments")
  // is accepted as well, as kubectl does.
  const ResourceType* byKey(const std::string& key) const;
  // By API path parts: group "" and plural "pods", or group "apps" and plural "deployments".
  const ResourceType* byPath(const std::string& group, const std::string& version,
                             const std::string& plural) const;
  // The resources of one group version, in discovery order.
  std::vector<const ResourceType*> inGroupVersion(const std::string& group, const std::string& version) const;
  // The API groups (not the core group) with a version, in discovery order; includes
  // authorization.k8s.io, which only serves SelfSubjectAccessReview.
  std::vector<std::string> groups() const;

 private:
  std::vector<ResourceType> resources_;
};

}  // namespace kctest::apiserver
