// Factory of the `bigquery` storage plugin: `mode = stream` (tabledata.insertAll) or
// `mode = export` (rotated NDJSON files for `bq load`). docs/bigquery.md explains both.
#include <stdexcept>

#include "export_storage.h"
#include "kubecensus/plugin/define_plugin.h"
#include "streaming_storage.h"

namespace {

using namespace kubecensus;

Plugin* createBigQuery(const Options& options, std::string* error) noexcept {
  const std::string mode = options.getString("mode", "stream");
  if (mode == "stream") return createPlugin<bigquery::StreamingStorage>(options, error);
  if (mode == "export") return createPlugin<bigquery::ExportStorage>(options, error);
  *error = "mode: '" + mode + "' is not stream or export";
  return nullptr;
}

const OptionSpec kOptions[] = {
    {"mode", OptionType::String, "stream",
     "stream: insert each batch with tabledata.insertAll; export: write NDJSON files for bq load", 0},
    {"table", OptionType::String, "",
     "stream: the table, project.dataset.table (or dataset.table in the key's project); "
     "bigquery://project.dataset.table "
     "as in Spartakus",
     0},
    {"credentials", OptionType::Path, "",
     "stream: service-account key file (JSON); empty: $GOOGLE_APPLICATION_CREDENTIALS", 0},
    {"base_url", OptionType::String, "https://bigquery.googleapis.com", "stream: the BigQuery REST endpoint",
     0},
    {"ca_file", OptionType::Path, "",
     "stream: PEM CA bundle to verify base_url and the token URI against (empty: the system store)", 0},
    {"timeout", OptionType::Duration, "30s", "stream: per HTTP request", 0},
    {"attempts", OptionType::Integer, "3",
     "stream: tries per request on 429, 5xx or no answer (with backoff) before the batch fails with 503", 0},
    {"max_rows_per_request", OptionType::Integer, "500", "stream: rows per insertAll request at most", 0},
    {"max_request_size", OptionType::Size, "9MiB",
     "stream: bytes per insertAll request at most (BigQuery allows 10 MB)", 0},
    {"directory", OptionType::Path, "", "export: where the NDJSON files and reports.schema.json are written",
     0},
    {"rotate_size", OptionType::Size, "64MiB", "export: finish a file when it holds this many bytes", 0},
    {"rotate_interval", OptionType::Duration, "1h", "export: finish a file when it is this old", 0},
    {"compress", OptionType::Boolean, "true", "export: gzip finished files (.ndjson.gz)", 0},
    {"fsync", OptionType::Boolean, "true", "export: sync each batch to disk before it is acknowledged", 0},
};

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Storage, "bigquery",
    "Google BigQuery: streaming inserts (insertId = reportID) or NDJSON export files for bq load", kOptions,
    &createBigQuery, {0, "bigquery", "table"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
