#include "list_errors.h"

#include "kubecensus/util/logger.h"

namespace kubecensus::k8s {
namespace {

std::string failedMessage(const std::string& request, const std::string& rule, const KubeError& error,
                          const std::string& leftOut) {
  const std::string status = "HTTP " + std::to_string(error.status());
  if (error.status() == 401) {
    return "could not " + request + ": the API server rejected the agent's credentials (" + status +
           "), so the report has no " + leftOut;
  }
  if (error.forbidden()) {
    return "not allowed to " + request + " (" + status + "), so the report has no " + leftOut +
           "; grant it with an RBAC rule: " + rule;
  }
  const std::string why = error.status() == 0 ? "no usable answer from the API server" : status;
  return "could not " + request + " (" + why + "), so the report has no " + leftOut +
         "; the agent's log says more";
}

}  // namespace

void stopIfCancelled(const CollectContext& context) {
  if (context.cancelled()) throw CollectionCancelled();
}

std::string resourceName(const ApiResource& resource) {
  return resource.group.empty() ? resource.resource : resource.resource + "." + resource.group;
}

std::string listFailedMessage(const ApiResource& resource, const KubeError& error) {
  const std::string rule = "{apiGroups: [\"" + resource.group + "\"], resources: [\"" + resource.resource +
                           "\"], verbs: [\"list\"]}";
  return failedMessage("list " + resourceName(resource), rule, error, resourceName(resource));
}

std::string getFailedMessage(const std::string& nonResourcePath, const KubeError& error,
                             const std::string& leftOut) {
  const std::string rule = "{nonResourceURLs: [\"" + nonResourcePath + "\"], verbs: [\"get\"]}";
  return failedMessage("get " + nonResourcePath, rule, error, leftOut);
}

void logFailure(CollectContext& context, const KubeError& error) {
  context.log().warning(error.what());
}

}  // namespace kubecensus::k8s
