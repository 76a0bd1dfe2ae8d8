#include "list_errors.h"

#include "kubecensus/kube/request_target.h"
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

std::string listFailedMessage(const ApiResource& resource, const KubeError& error) {
  return failedMessage("list " + resource.str(), kube::rbacRule(kube::listTarget(resource)), error,
                       resource.str());
}

std::string getFailedMessage(const std::string& nonResourcePath, const KubeError& error,
                             const std::string& leftOut) {
  return failedMessage("get " + nonResourcePath, kube::rbacRule(kube::getTarget(nonResourcePath)), error,
                       leftOut);
}

void logFailure(CollectContext& context, const KubeError& error) {
  context.log().warning(error.what());
}

}  // namespace kubecensus::k8s
