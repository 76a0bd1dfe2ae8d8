#include "nodes_source.h"

#include <stdexcept>

#include "../k8s-common/client_kube_api.h"
#include "nodes_section.h"

namespace kubecensus::k8s {
namespace {

NodeIdMode modeOption(const Options& options) {
  const std::string& text = options.getString("node_id");
  std::optional<NodeIdMode> mode = parseNodeIdMode(text);
  if (!mode) throw std::invalid_argument("node_id: \"" + text + "\" is not one of keyed, spartakus-compat");
  return *mode;
}

}  // namespace

NodesSource::NodesSource(const Options& options) : mode_(modeOption(options)) {}

void NodesSource::collect(CollectContext& context, ReportBuilder& report) {
  KubeClient* kube = context.kube();
  if (kube == nullptr) return;  // no cluster access configured: nothing to say, nothing wrong
  ClientKubeApi api(*kube);
  collectNodes(api, context, report, mode_);
}

}  // namespace kubecensus::k8s
