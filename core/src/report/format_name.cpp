#include "kubecensus/report/format_name.h"

#include <stdexcept>
#include <string>

namespace kubecensus {

std::optional<ReportFormat> parseReportFormat(std::string_view name) {
  if (name == "native" || name == kReportSchema) return ReportFormat::Native;
  if (name == "spartakus-v1") return ReportFormat::SpartakusV1;
  if (name == "tectonic") return ReportFormat::Tectonic;
  return std::nullopt;
}

ReportFormat requireReportFormat(std::string_view name) {
  if (auto format = parseReportFormat(name)) return *format;
  throw std::invalid_argument("format: unknown report format '" + std::string(name) +
                              "' (use native, spartakus-v1 or tectonic)");
}

}  // namespace kubecensus
