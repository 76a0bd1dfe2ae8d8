#include "nodes_section.h"

#include <vector>

#include "../k8s-common/list_errors.h"

namespace kubecensus::k8s {

void collectNodes(KubeApi& api, CollectContext& context, ReportBuilder& report, NodeIdMode mode) {
  const NodeSummarizer summarizer(mode, context);
  std::vector<Node> nodes;
  try {
    api.list(
        kNodesResource, ListOptions{.metadataOnly = false, .fields = kNodeFields},
        [&](const nlohmann::json& item) {
          stopIfCancelled(context);
          nodes.push_back(summarizer.summarize(item));
        },
        [&] { nodes.clear(); });
  } catch (const KubeError& e) {
    logFailure(context, e);
    report.addError(listFailedMessage(kNodesResource, e));
    return;
  }
  report.addNodes(std::move(nodes));
}

}  // namespace kubecensus::k8s
