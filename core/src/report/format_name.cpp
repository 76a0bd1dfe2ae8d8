#include "kubecensus/report/format_name.h"

#include <cctype>
#include <stdexcept>
#include <string>

namespace kubecensus {

std::optional<ReportFormat> parseReportFormat(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "native" || lower == kReportSchema) return ReportFormat::Native;
  if (lower == "spartakus-v1") return ReportFormat::SpartakusV1;
  if (lower == "tectonic") return ReportFormat::Tectonic;
  return std::nullopt;
}

ReportFormat requireReportFormat(std::string_view name) {
  if (auto format = parseReportFormat(name)) return *format;
  throw std::invalid_argument("format: unknown report format '" + std::string(name) +
                              "' (use native, spartakus-v1 or tectonic)");
}

}  // namespace kubecensus
