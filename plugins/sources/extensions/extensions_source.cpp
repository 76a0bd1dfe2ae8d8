#include "extensions_source.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "kubecensus/report/extension_rules.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/state_dir.h"

namespace kubecensus::extensions {

void ExtensionsSource::collect(CollectContext&, ReportBuilder& report) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    report.addError(path_ + ": no such file or directory");
    return;
  }
  if (!fs::is_directory(path_, ec)) {
    readFile(path_, report);
    return;
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path_, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path().string());
  if (ec) report.addError(path_ + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) readFile(file, report);
}

void ExtensionsSource::readFile(const std::string& file, ReportBuilder& report) {
  nlohmann::json object;
  try {
    object = parseJson(kubecensus::readFile(file));
  } catch (const std::exception& e) {
    report.addError(file + ": " + e.what());
    return;
  }
  if (!object.is_object()) {
    report.addError(file + ": expected a JSON object of \"key\": \"value\" pairs");
    return;
  }
  std::set<std::string> seen;
  for (const auto& existing : report.report().extensions) seen.insert(existing.name);
  for (const auto& [key, value] : object.items()) {
    std::string where = file + ": \"" + key + "\": ";
    if (auto reason = invalidExtensionKeyReason(key)) {
      report.addError(where + "invalid key: " + *reason);
    } else if (!value.is_string()) {
      report.addError(where + "the value must be a string");
    } else if (value.get_ref<const std::string&>().size() > kMaxExtensionValueBytes) {
      report.addError(where + "the value is longer than " + std::to_string(kMaxExtensionValueBytes) +
                      " bytes");
    } else if (seen.count(key)) {
      report.addError(where + "given more than once; the first value is kept");
    } else if (seen.size() >= kMaxExtensions) {
      report.addError(where + "more than " + std::to_string(kMaxExtensions) + " extensions; left out");
    } else {
      seen.insert(key);
      report.addExtension(key, value.get<std::string>());
    }
  }
}

}  // namespace kubecensus::extensions
