// How the k8s-* sources list a section, stop early, and what a report may say about a request
// that failed.
#pragma once

#include <stdexcept>
#include <string>

#include "kube_api.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/plugin/source.h"

namespace kubecensus::k8s {

// Thrown from a list's item callback once the agent is shutting down, so a list of 150,000
// pods stops at the next item instead of running to its end. collect() lets it propagate: the
// host records it as this source's error.
class CollectionCancelled : public std::runtime_error {
 public:
  CollectionCancelled() : std::runtime_error("collection cancelled: the agent is shutting down") {}
};

// Throws CollectionCancelled when context.cancelled().
void stopIfCancelled(const CollectContext& context);

// The report error for a request that failed: the request, its HTTP status, what the report
// therefore has not (`leftOut`) and, for 403, the RBAC rule that would allow the request:
//   not allowed to list jobs.batch (HTTP 403), so the report has no jobs.batch; grant it with
//   an RBAC rule: {apiGroups: ["batch"], resources: ["jobs"], verbs: ["list"]}
// Never the KubeError's own message, which may quote the API server (naming the agent's
// service account and its namespace), the server's address or the kubeconfig file and
// context: none of that may leave the agent. logFailure() writes that message to the log.
std::string listFailedMessage(const ApiResource& resource, const KubeError& error);
std::string getFailedMessage(const std::string& nonResourcePath, const KubeError& error,
                             const std::string& leftOut);

// The full KubeError message, for the agent's own log (which stays on the machine).
void logFailure(CollectContext& context, const KubeError& error);

// Lists `resource` into `summarizer` (add(item, now) per object, reset() when the list starts
// over), stopping when the agent shuts down. A failed list is logged and recorded in the report
// as listFailedMessage() says, and false returned: the caller leaves the section out.
template <class Summarizer>
bool summarizeList(KubeApi& api, CollectContext& context, ReportBuilder& report, const ApiResource& resource,
                   ListOptions options, Summarizer& summarizer) {
  const Micros now = context.now();
  try {
    api.list(
        resource, options,
        [&](const nlohmann::json& item) {
          stopIfCancelled(context);
          summarizer.add(item, now);
        },
        [&] { summarizer.reset(); });
  } catch (const KubeError& e) {
    logFailure(context, e);
    report.addError(listFailedMessage(resource, e));
    return false;
  }
  return true;
}

}  // namespace kubecensus::k8s
