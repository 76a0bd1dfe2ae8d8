// The native format's aggregate sections: histograms, age summaries, the namespaces summary
// and workload summaries. Kept apart from native_format.cpp (which owns the document and its
// nodes) because the numbers have their own rules: counts are non-negative integers, bounds
// strictly increasing, and a histogram has one more count than bounds.
// Internal to the report module.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "kubecensus/report/report.h"

namespace kubecensus::report_detail {

nlohmann::json histogramToJson(const Histogram& histogram);
nlohmann::json ageSummaryToJson(const AgeSummary& ages);
nlohmann::json namespaceSummaryToJson(const NamespaceSummary& summary);
nlohmann::json workloadToJson(const WorkloadSummary& workload);

// Each throws ReportError naming the offending field below `path`.
Histogram readHistogram(const nlohmann::json& json, std::string path);
AgeSummary readAgeSummary(const nlohmann::json& json, std::string path);
NamespaceSummary readNamespaceSummary(const nlohmann::json& json, std::string path);
WorkloadSummary readWorkload(const nlohmann::json& json, std::string path);

}  // namespace kubecensus::report_detail
