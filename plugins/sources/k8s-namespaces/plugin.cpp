// Factory of the `k8s-namespaces` source plugin.
#include "../k8s-common/kube_source.h"
#include "kubecensus/plugin/define_plugin.h"
#include "namespace_summarizer.h"

namespace {

using namespace kubecensus;

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Source, "k8s-namespaces",
                   "how many namespaces there are and how old they are (never their names)",
                   &createPlugin<k8s::KubeSource<k8s::collectNamespaces>>,
                   {kPluginEnabledByDefault | kPluginNeedsKubernetes, nullptr, nullptr, "list namespaces"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
