#pragma once

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/source.h"
#include "node_summarizer.h"

namespace kubecensus::k8s {

// Every node of the cluster in Spartakus' node shape, plus allocatable resources and roles.
// Does nothing when the agent has no cluster access.
class NodesSource : public Source {
 public:
  // Throws std::invalid_argument for a `node_id` that is neither keyed nor spartakus-compat.
  explicit NodesSource(const Options& options);
  void collect(CollectContext& context, ReportBuilder& report) override;

 private:
  NodeIdMode mode_;
};

}  // namespace kubecensus::k8s
