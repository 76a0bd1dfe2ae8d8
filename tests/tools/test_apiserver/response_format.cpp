#include "response_format.h"

#include <map>
#include <vector>

namespace kctest::apiserver {

namespace {

std::string trim(const std::string& s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (true) {
    auto at = s.find(separator, start);
    parts.push_back(trim(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

std::optional<ResponseFormat> ResponseFormat::negotiate(const std::string& accept, bool list,
                                                        bool metadataSupported) {
  if (trim(accept).empty()) return ResponseFormat{};
  for (const std::string& range : split(accept, ',')) {
    std::vector<std::string> parts = split(range, ';');
    const std::string& type = parts[0];
    if (type != "application/json" && type != "*/*" && type != "application/*") continue;
    std::map<std::string, std::string> params;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      auto eq = parts[i].find('=');
      if (eq != std::string::npos) params[trim(parts[i].substr(0, eq))] = trim(parts[i].substr(eq + 1));
    }
    const std::string as = params["as"];
    if (as.empty()) return ResponseFormat{};
    const bool metaGroup = params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1");
    if (!metaGroup) continue;
    if (as == "Table") return ResponseFormat{Representation::kTable, params["v"]};
    if (as == (list ? "PartialObjectMetadataList" : "PartialObjectMetadata"))
      return metadataSupported ? ResponseFormat{Representation::kMetadata, params["v"]} : ResponseFormat{};
  }
  return std::nullopt;
}

std::string ResponseFormat::contentType(bool list) const {
  switch (representation) {
    case Representation::kMetadata:
      return std::string("application/json;as=") +
             (list ? "PartialObjectMetadataList" : "PartialObjectMetadata") +
             ";g=meta.k8s.io;v=" + metaVersion;
    case Representation::kTable: return "application/json;as=Table;g=meta.k8s.io;v=" + metaVersion;
    case Representation::kObject: break;
  }
  return "application/json";
}

}  // namespace kctest::apiserver
