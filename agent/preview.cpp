#include "preview.h"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "kubecensus/config/validate.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/privacy.h"
#include "kubecensus/util/hmac.h"

namespace kubecensus::agent {
namespace {

// Every leaf of the document: its path as shown ("nodes[0].id") and as catalogued ("nodes[].id").
void listFields(const nlohmann::json& json, const std::string& shown, const std::string& catalogued,
                std::ostream& out) {
  if (json.is_object()) {
    for (const auto& [key, value] : json.items())
      listFields(value, shown.empty() ? key : shown + "." + key,
                 catalogued.empty() ? key : catalogued + "." + key, out);
    return;
  }
  if (json.is_array() && !json.empty() && (json.front().is_object() || json.front().is_array())) {
    for (std::size_t i = 0; i < json.size(); ++i)
      listFields(json[i], shown + "[" + std::to_string(i) + "]", catalogued + "[]", out);
    return;
  }
  if (json.is_array() && json.empty()) return;  // nothing sent
  const ReportField* field = findReportField(catalogued);
  if (!field && json.is_array()) field = findReportField(catalogued + "[]");
  out << shown << " = " << json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n    ["
      << (field ? toString(field->level) : "undeclared") << "] " << (field ? field->origin : "") << "\n";
}

}  // namespace

void printPreview(const Report& report, const ValidatedConfig& config, bool explain, std::ostream& out,
                  std::ostream& notes) {
  // Which sinks send which format (the http sink's `format` option; every other sink writes native).
  std::map<std::string, std::vector<std::string>> sinksByFormat;
  for (const ConfiguredPlugin& plugin : config.plugins) {
    if (plugin.kind != PluginKind::Sink) continue;
    std::string format = plugin.options.getString("format", "native");
    if (format != "spartakus-v1" && format != "tectonic") format = "native";
    sinksByFormat[format].push_back(std::string(sectionPrefix(plugin.kind)) + "." + plugin.instance);
  }
  if (sinksByFormat.empty()) sinksByFormat["native"] = {};
  for (const auto& [format, sinks] : sinksByFormat) {
    std::string bytes;
    if (format == "native") {
      bytes = encodeReport(report, ReportFormat::Native);
    } else if (format == "spartakus-v1") {
      bytes = encodeReport(report, ReportFormat::SpartakusV1);
    } else {
      // The account's secret is the sink's own; the preview shows where it goes, not what it is.
      const TectonicAccount account{"<account_id>", "<account_secret>"};
      bytes = encodeReport(report, ReportFormat::Tectonic, &account);
    }
    if (explain)
      listFields(nlohmann::json::parse(bytes), "", "", out);
    else
      out << bytes << "\n";
    notes << "# " << format << ": " << bytes.size() << " bytes, sha256 " << sha256Hex(bytes);
    if (!sinks.empty()) {
      notes << ", sent by";
      for (const auto& sink : sinks) notes << " " << sink;
    }
    notes << "\n";
  }
}

}  // namespace kubecensus::agent
