#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"

namespace kubecensus {

ReportFormat detectLegacyFormat(const nlohmann::json& body) {
  // Both formats share /api/v1 and neither names itself; only tectonic has an envelope.
  if (body.is_object() && body.contains("payload") && body.contains("accountID")) {
    return ReportFormat::Tectonic;
  }
  return ReportFormat::SpartakusV1;
}

}  // namespace kubecensus
