#include "kubecensus/report/report.h"

namespace kubecensus {

const char* toString(ReportFormat format) {
  switch (format) {
    case ReportFormat::Native:
      return kReportSchema;
    case ReportFormat::SpartakusV1:
      return "spartakus-v1";
    case ReportFormat::Tectonic:
      return "tectonic";
  }
  return "unknown";
}

}  // namespace kubecensus
