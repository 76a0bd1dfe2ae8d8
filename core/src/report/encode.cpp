#include <nlohmann/json.hpp>

#include <stdexcept>

#include "kubecensus/report/formats.h"

namespace kubecensus {

std::string encodeReport(const Report& report, ReportFormat format, const TectonicAccount* account) {
  nlohmann::json json;
  switch (format) {
    case ReportFormat::Native:
      return encodeNativeJson(report);
    case ReportFormat::SpartakusV1:
      json = toSpartakusJson(report);
      break;
    case ReportFormat::Tectonic:
      if (account == nullptr)
        throw std::invalid_argument("encodeReport: the tectonic format needs an account");
      json = toTectonicJson(report, *account);
      break;
  }
  // A string that is not valid UTF-8 (a source bug) must not stop a report from being sent.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kubecensus
