// Factory of the `extensions` source plugin.
#include "extensions_source.h"
#include "kubecensus/plugin/define_plugin.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr,
     "a JSON file of \"key\": \"value\" pairs, or a directory of such *.json files", kOptionRequired},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Source, "extensions",
                   "operator-supplied key/value pairs from JSON files (Spartakus' --extensions)", kOptions,
                   &createPlugin<extensions::ExtensionsSource>);

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
