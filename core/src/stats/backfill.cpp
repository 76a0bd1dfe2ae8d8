#include "kubecensus/stats/backfill.h"

#include <nlohmann/json.hpp>

#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"

namespace kubecensus::stats {

DecodedBatch decodeStored(const std::vector<StoredReport>& stored) {
  DecodedBatch batch;
  batch.reports.reserve(stored.size());
  for (const StoredReport& row : stored) {
    try {
      Report report = fromNativeJson(parseJson(row.json));
      report.receivedAt = row.receivedAt;
      report.receivedAs = parseReportFormat(row.receivedAs).value_or(ReportFormat::Native);
      report.receivedFrom = row.receivedFrom;
      batch.reports.push_back(std::move(report));
    } catch (const std::exception&) {
      ++batch.unreadable;  // kept as stored; only left out of the statistics
    }
  }
  return batch;
}

}  // namespace kubecensus::stats
