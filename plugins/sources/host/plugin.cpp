// Factory of the `host` source plugin.
#include "host_source.h"
#include "kubecensus/plugin/define_plugin.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"root", OptionType::Path, "/",
     "where the host's filesystem is: / normally, /host when it is mounted into a container", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Source, "host",
                   "this machine as one node: OS image, kernel, architecture, CPUs, memory, anonymized ID",
                   kOptions, &createPlugin<host::HostSource>, {kPluginEnabledByDefault});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
