// The source class of a k8s-* plugin without options: its collection is one function of the
// cluster's API, and without cluster access it has nothing to say and nothing is wrong.
//   const auto kDescriptor = describePlugin(..., &createPlugin<k8s::KubeSource<collectNamespaces>>, ...);
#pragma once

#include "client_kube_api.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/source.h"

namespace kubecensus::k8s {

using CollectFn = void (*)(KubeApi&, CollectContext&, ReportBuilder&);

template <CollectFn Collect>
class KubeSource final : public Source {
 public:
  explicit KubeSource(const Options&) {}
  void collect(CollectContext& context, ReportBuilder& report) override {
    KubeClient* kube = context.kube();
    if (kube == nullptr) return;
    ClientKubeApi api(*kube);
    Collect(api, context, report);
  }
};

}  // namespace kubecensus::k8s
