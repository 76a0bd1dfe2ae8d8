#include "nodes_section.h"

#include <vector>

#include "../k8s-common/list_errors.h"

namespace kubecensus::k8s {

void collectNodes(KubeApi& api, CollectContext& context, ReportBuilder& report, NodeIdMode mode) {
  // Below the detailed level no row is kept (nor an ID made): each node is only counted into its
  // group, so a large cluster costs a few numbers per node.
  const bool rows = report.level() >= PrivacyLevel::Detailed;
  const NodeSummarizer summarizer(mode, context, rows);
  std::vector<Node> nodes;
  NodeGroupCounter counted;
  try {
    api.list(
        kNodesResource, ListOptions{.metadataOnly = false, .fields = kNodeFields},
        [&](const nlohmann::json& item) {
          stopIfCancelled(context);
          if (rows)
            nodes.push_back(summarizer.summarize(item));
          else
            counted.add(summarizer.summarize(item));
        },
        [&] {
          nodes.clear();
          counted.clear();
        });
  } catch (const KubeError& e) {
    logFailure(context, e);
    report.addError(listFailedMessage(kNodesResource, e));
    return;
  }
  if (rows)
    report.addNodes(std::move(nodes));
  else
    report.addCountedNodes(counted);
}

}  // namespace kubecensus::k8s
