#pragma once

#include <optional>
#include <string_view>

#include "kubecensus/report/report.h"

namespace kubecensus {

// The names sinks accept in their `format` option: "native", "spartakus-v1", "tectonic"
// ("kubecensus.report/v2" is accepted for native too), in any case, as config values are.
std::optional<ReportFormat> parseReportFormat(std::string_view name);
// As parseReportFormat; throws std::invalid_argument naming the accepted names.
ReportFormat requireReportFormat(std::string_view name);

}  // namespace kubecensus
