// Factory of the `postgres` storage plugin.
#include "kubecensus/plugin/define_plugin.h"
#include "postgres_storage.h"

namespace {

using namespace kubecensus;

const OptionSpec kOptions[] = {
    {"dsn", OptionType::Secret, "",
     "libpq connection string or URL (postgres://user:password@host:5432/db?sslmode=require); empty: "
     "libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE environment variables",
     0},
    {"pool_size", OptionType::Integer, "4", "connections kept open at most", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Storage, "postgres",
                   "PostgreSQL (libpq): one row per report keyed by reportID, the report as JSONB, "
                   "reconnects after a restart",
                   kOptions, &createPlugin<postgres::PostgresStorage>, {0, "postgres,postgresql", "dsn"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
