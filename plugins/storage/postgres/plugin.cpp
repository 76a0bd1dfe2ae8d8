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
    // A database that stops answering (a network partition, a frozen host) must fail calls, not
    // hang them: every wait on it has a deadline.
    {"connect_timeout", OptionType::Duration, "5s",
     "how long a connection attempt may take in all (TCP, TLS, authentication); a positive "
     "connect_timeout in the DSN wins",
     0},
    {"statement_timeout", OptionType::Duration, "10s",
     "the session's statement_timeout: the server cancels a longer statement; 0 leaves the server's "
     "setting, and so does a DSN whose options set statement_timeout",
     0},
    {"query_timeout", OptionType::Duration, "15s",
     "how long one round trip to the server may take before the connection is dropped and the call "
     "fails (keep it above statement_timeout)",
     0},
    {"tcp_user_timeout", OptionType::Duration, "15s",
     "libpq's tcp_user_timeout: sent data unacknowledged this long breaks the connection; 0 leaves the "
     "kernel's. The plugin also sets keepalives=1, keepalives_idle=10, keepalives_interval=5, "
     "keepalives_count=3; each of these the DSN sets itself wins",
     0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Storage, "postgres",
                   "PostgreSQL (libpq): one row per report keyed by reportID, the report as JSONB, "
                   "reconnects after a restart",
                   kOptions, &createPlugin<postgres::PostgresStorage>, {0, "postgres,postgresql", "dsn"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
