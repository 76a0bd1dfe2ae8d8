#include "table_row.h"

#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/report.h"

namespace kubecensus::bigquery {

nlohmann::json toTableRow(const Report& report) {
  nlohmann::json row = toNativeJson(report);
  // Spartakus' REQUIRED columns. Its timestamp was the agent's clock in microseconds as text;
  // a report without one gets the collector's receipt time rather than an invalid row.
  row["version"] = report.agent.version;
  const auto timestamp = report.generatedAt ? report.generatedAt : report.receivedAt;
  row["timestamp"] = timestamp ? std::to_string(*timestamp) : std::string("0");
  return row;
}

}  // namespace kubecensus::bigquery
