// Factory of the `k8s-nodes` source plugin.
#include "kubecensus/plugin/define_plugin.h"
#include "nodes_source.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"node_id", OptionType::String, "keyed",
     "how node IDs are made: keyed (HMAC-SHA256 of the node's name, machine ID and system UUID "
     "under the agent's secret salt) or spartakus-compat (Spartakus' MD5 of the same, for "
     "clusters moving from Spartakus; can be checked by anyone who guesses a node's name and IDs)",
     0, "keyed,spartakus-compat"},
};

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Source, "k8s-nodes",
    "every node: OS image, kernel, architecture, runtime and kubelet versions, cloud provider, "
    "capacity, allocatable, roles, anonymized ID",
    kOptions, &createPlugin<k8s::NodesSource>,
    {kPluginEnabledByDefault | kPluginNeedsKubernetes, nullptr, nullptr, "list nodes"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
