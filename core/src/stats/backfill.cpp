#include "kubecensus/stats/backfill.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/stats/rollup.h"

namespace kubecensus::stats {

std::size_t rollUpStored(RollupStore& store, const std::vector<StoredReport>& stored) {
  std::vector<Report> reports;
  reports.reserve(stored.size());
  std::size_t unreadable = 0;
  for (const StoredReport& row : stored) {
    try {
      Report report = fromNativeJson(parseJson(row.json));
      report.receivedAt = row.receivedAt;
      report.receivedAs = parseReportFormat(row.receivedAs).value_or(ReportFormat::Native);
      report.receivedFrom = row.receivedFrom;
      reports.push_back(std::move(report));
    } catch (const std::exception&) {
      ++unreadable;
    }
  }
  std::vector<const Report*> pointers;
  pointers.reserve(reports.size());
  for (const Report& report : reports) pointers.push_back(&report);
  rollUp(store, pointers);
  return unreadable;
}

void warnUnreadable(const std::string& where, std::size_t unreadable) {
  if (unreadable == 0) return;
  std::cerr
      << where << ": " << unreadable
      << " stored reports could not be read back and are left out of the statistics (they stay stored)\n";
}

}  // namespace kubecensus::stats
