// Factory of the `sqlite` storage plugin.
#include "kubecensus/plugin/define_plugin.h"
#include "sqlite_storage.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, "./var/kubecensus.db",
     "database file (created, with its directory, if missing)", 0},
    {"synchronous", OptionType::String, "FULL",
     "SQLite synchronous mode: FULL survives power loss; NORMAL only process crashes", 0,
     "FULL,NORMAL,EXTRA"},
    {"busy_timeout", OptionType::Duration, "5s", "how long a write waits for another writer's lock", 0},
};

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Storage, "sqlite", "embedded SQLite database (WAL), one row per report keyed by reportID",
    kOptions, &createPlugin<sqlite::SqliteStorage>, {kPluginEnabledByDefault, "sqlite", "path"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
