// The `stdout` sink: one report per line on standard output, for pipes and debugging.
#include <cstdio>
#include <mutex>

#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/formats.h"

namespace {

using namespace kubecensus;

class StdoutSink : public Sink {
 public:
  explicit StdoutSink(const Options& options) : format_(requireReportFormat(options.getString("format"))) {
    if (format_ == ReportFormat::Tectonic)
      throw std::invalid_argument("format: tectonic needs an account; use the http sink");
  }

  DeliveryResult deliver(const Report& report) override {
    std::string line = encodeReport(report, format_) + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
      return DeliveryResult::retryLater("cannot write to standard output");
    return DeliveryResult::delivered();
  }

 private:
  ReportFormat format_;
  std::mutex mutex_;
};

const OptionSpec kOptions[] = {
    {"format", OptionType::String, "native", "report format", 0, "native,spartakus-v1"},
};

const PluginDescriptor kDescriptor =
    describePlugin(PluginKind::Sink, "stdout", "writes each report as one JSON line to standard output",
                   kOptions, &createPlugin<StdoutSink>, {0, "stdout", nullptr});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
