// The nodes of the report: every Node of the cluster, summarized as it streams in.
#pragma once

#include "../k8s-common/kube_api.h"
#include "kubecensus/plugin/source.h"
#include "node_summarizer.h"

namespace kubecensus::k8s {

inline const ApiResource kNodesResource{"", "v1", "nodes"};
// What NodeSummarizer reads of a Node; the list skips the rest (annotations, addresses,
// images, conditions) while parsing.
inline const std::vector<std::string> kNodeFields{"metadata.name",   "metadata.labels", "spec.providerID",
                                                  "status.nodeInfo", "status.capacity", "status.allocatable"};

// Lists the nodes (full objects: the fields are in status) and adds one report node each.
// Only summaries are kept while listing, never the objects; they are added when the list is
// complete, so a list that starts over (410 Gone) does not count a node twice. A failed list
// adds no node and records why in the report's errors. Throws CollectionCancelled when the
// agent shuts down.
void collectNodes(KubeApi& api, CollectContext& context, ReportBuilder& report, NodeIdMode mode);

}  // namespace kubecensus::k8s
