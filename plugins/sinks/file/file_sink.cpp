// The `file` sink: appends each report as one JSON line (NDJSON) to a file, synced to disk
// before the report counts as delivered.
#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/append_file.h"

namespace {

using namespace kubecensus;

class FileSink : public Sink {
 public:
  explicit FileSink(const Options& options)
      : format_(requireReportFormat(options.getString("format"))),
        file_(options.getString("path"), options.getBool("fsync")) {
    if (format_ == ReportFormat::Tectonic)
      throw std::invalid_argument("format: tectonic needs an account; use the http sink");
  }

  DeliveryResult deliver(const Report& report) override {
    try {
      file_.append(encodeReport(report, format_) + "\n");
    } catch (const std::exception& e) {
      return DeliveryResult::retryLater(e.what());
    }
    return DeliveryResult::delivered(file_.path());
  }

 private:
  ReportFormat format_;
  AppendFile file_;
};

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr, "file to append reports to (created 0600 if missing)",
     kOptionRequired},
    {"format", OptionType::String, "native", "report format", 0, "native,spartakus-v1"},
    {"fsync", OptionType::Boolean, "true", "sync each report to disk before it counts as delivered", 0},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Sink, "file", "appends each report as one JSON line to a file", kOptions,
                   &createPlugin<FileSink>, {0, "file", "path"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
