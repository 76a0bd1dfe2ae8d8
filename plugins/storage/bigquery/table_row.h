// A report as a row of the kubecensus BigQuery table, whose schema ships in
// packaging/bigquery/reports.schema.json: the native report (docs/formats.md) plus Spartakus'
// top-level `version` and `timestamp`, so a table made from Spartakus' bigquery.schema.json
// can be upgraded in place and its queries keep working.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace kubecensus {
struct Report;
}

namespace kubecensus::bigquery {

nlohmann::json toTableRow(const Report& report);

// The table schema (a JSON array of fields, as `bq mk --schema` and `bq load` read it).
std::string_view tableSchemaJson();

}  // namespace kubecensus::bigquery
