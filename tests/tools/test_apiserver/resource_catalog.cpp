#include "resource_catalog.h"

namespace kctest::apiserver {

namespace {

const std::vector<std::string> kAllVerbs{"create", "delete", "deletecollection", "get",
                                         "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kNamespaceVerbs{"create", "delete", "get", "list", "patch", "update", "watch"};

}  // namespace

ResourceCatalog::ResourceCatalog()
    : resources_{
          {"namespaces", "namespace", "", "v1", "Namespace", false, {"ns"}, kNamespaceVerbs},
          {"nodes", "node", "", "v1", "Node", false, {"no"}, kAllVerbs},
          {"pods", "pod", "", "v1", "Pod", true, {"po"}, kAllVerbs},
          {"services", "service", "", "v1", "Service", true, {"svc"}, kNamespaceVerbs},
          {"configmaps", "configmap", "", "v1", "ConfigMap", true, {"cm"}, kAllVerbs},
          {"daemonsets", "daemonset", "apps", "v1", "DaemonSet", true, {"ds"}, kAllVerbs},
          {"deployments", "deployment", "apps", "v1", "Deployment", true, {"deploy"}, kAllVerbs},
          {"statefulsets", "statefulset", "apps", "v1", "StatefulSet", true, {"sts"}, kAllVerbs},
          {"cronjobs", "cronjob", "batch", "v1", "CronJob", true, {"cj"}, kAllVerbs},
          {"jobs", "job", "batch", "v1", "Job", true, {}, kAllVerbs},
          {"selfsubjectaccessreviews",
           "selfsubjectaccessreview",
           "authorization.k8s.io",
           "v1",
           "SelfSubjectAccessReview",
           false,
           {},
           {"create"}},
      } {}

const ResourceType* ResourceCatalog::byKey(const std::string& key) const {
  for (const auto& r : resources_)
    if (r.key() == key) return &r;
  for (const auto& r : resources_)
    if (r.plural == key) return &r;
  return nullptr;
}

const ResourceType* ResourceCatalog::byPath(const std::string& group, const std::string& version,
                                            const std::string& plural) const {
  for (const auto& r : resources_)
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  return nullptr;
}

std::vector<const ResourceType*> ResourceCatalog::inGroupVersion(const std::string& group,
                                                                 const std::string& version) const {
  std::vector<const ResourceType*> out;
  for (const auto& r : resources_)
    if (r.group == group && r.version == version) out.push_back(&r);
  return out;
}

std::vector<std::string> ResourceCatalog::groups() const {
  std::vector<std::string> out;
  for (const auto& r : resources_) {
    if (r.group.empty()) continue;
    bool seen = false;
    for (const auto& g : out) seen = seen || g == r.group;
    if (!seen) out.push_back(r.group);
  }
  return out;
}

}  // namespace kctest::apiserver
