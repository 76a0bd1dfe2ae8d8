// Factory of the `k8s-version` source plugin.
#include "../k8s-common/kube_source.h"
#include "kubecensus/plugin/define_plugin.h"
#include "server_version.h"

namespace {

using namespace kubecensus;

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Source, "k8s-version", "the API server's version (Spartakus' masterVersion) and platform",
    &createPlugin<k8s::KubeSource<k8s::collectServerVersion>>,
    {kPluginEnabledByDefault | kPluginNeedsKubernetes, nullptr, nullptr, "get /version"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
