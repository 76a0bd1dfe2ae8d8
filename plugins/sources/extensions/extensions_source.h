#pragma once

#include <string>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/source.h"

namespace kubecensus::extensions {

// Spartakus' --extensions: operator-supplied key/value pairs from a JSON file, or from every
// *.json file of a directory (name order). Each file is an object of string values. A file
// or entry that is invalid is left out and recorded in the report's errors; the rest goes on.
class ExtensionsSource : public Source {
 public:
  explicit ExtensionsSource(const Options& options) : path_(options.getString("path")) {}
  void collect(CollectContext& context, ReportBuilder& report) override;

 private:
  void readFile(const std::string& file, ReportBuilder& report);
  std::string path_;
};

}  // namespace kubecensus::extensions
