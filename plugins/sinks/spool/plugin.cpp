// The `spool` sink: for clusters that never reach a collector. Each report is kept in a local
// SQLite spool until an operator exports it as a bundle (`kubecensus-agent spool export`) and
// carries it out, or forwards it from a host that can reach a collector.
#include "kubecensus/outbox/spool.h"
#include "kubecensus/plugin/define_plugin.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"

namespace {

using namespace kubecensus;

class SpoolSink : public Sink {
 public:
  explicit SpoolSink(const Options& options)
      : spool_(options.getString("path"), options.getString("synchronous")) {}

  DeliveryResult deliver(const Report& report) override {
    try {
      const bool added = spool_.add(report.reportID, encodeReport(report, ReportFormat::Native), nowMicros());
      return DeliveryResult::delivered(added ? "spooled in " + spool_.path() : "already in the spool");
    } catch (const std::exception& e) {
      return DeliveryResult::retryLater(spool_.path() + ": " + e.what());
    }
  }

 private:
  Spool spool_;
};

const OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr, "the spool's SQLite file", kOptionRequired},
    {"synchronous", OptionType::String, "FULL", "SQLite durability", 0, "FULL,NORMAL,EXTRA"},
};

const PluginDescriptor kDescriptor = describePlugin(
    PluginKind::Sink, "spool",
    "keeps reports in a local SQLite spool for air-gapped clusters (spool export writes a bundle)", kOptions,
    &createPlugin<SpoolSink>, {0, "spool", "path"});

}  // namespace

KUBECENSUS_PLUGIN(kDescriptor)
