#include "agent_runtime.h"

#include "agent_options.h"
#include "kubecensus/report/time.h"
#include "kubecensus/report/uuid.h"
#include "kubecensus/util/hmac.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/state_dir.h"
#include "kubecensus/version.h"

namespace kubecensus::agent {
namespace {

class AgentCollectContext : public CollectContext {
 public:
  AgentCollectContext(Logger log, const std::string& salt) : log_(std::move(log)), salt_(salt) {}
  Logger& log() override { return log_; }
  // 128 bits of HMAC-SHA256: the length of Spartakus' node IDs, far beyond guessing.
  std::string anonymize(std::string_view identity) const override {
    return hmacSha256Hex(salt_, identity).substr(0, 32);
  }
  bool cancelled() const override { return Shutdown::requested(); }

 private:
  Logger log_;
  const std::string& salt_;
};

}  // namespace

AgentRuntime::AgentRuntime(const ValidatedConfig& config, const PluginRegistry& registry, Logger& log)
    : log_(log) {
  const Options& agent = config.section("agent");
  std::string stateDir = agent.getString("state_dir");
  StateDir state(stateDir.empty() ? defaultStateDir() : stateDir);
  salt_ = state.readOrCreate("salt", [] { return randomHex(32); });
  clusterID_ = agent.getString("cluster_id");
  if (clusterID_.empty()) clusterID_ = state.readOrCreate("cluster-id", [] { return randomUuid(); });

  for (const auto& configured : config.plugins) {
    const LoadedPlugin& plugin = registry.require(configured.kind, configured.plugin);
    std::string name = std::string(sectionPrefix(configured.kind)) + "." + configured.instance;
    if (configured.kind == PluginKind::Source) {
      sources_.push_back({name, registry.create<Source>(plugin, configured.options)});
    } else {
      sinks_.push_back({name, registry.create<Sink>(plugin, configured.options)});
    }
  }
}

AgentRuntime::~AgentRuntime() = default;

Report AgentRuntime::collect() {
  Report report;
  report.reportID = randomUuid();
  report.clusterID = clusterID_;
  report.generatedAt = nowMicros();
  report.agent = {"kubecensus-agent", kVersion};
  for (auto& [name, source] : sources_) {
    AgentCollectContext context(log_.child(name), salt_);
    ReportBuilder builder(report, name);
    try {
      source->collect(context, builder);
    } catch (const std::exception& e) {
      log_.warning(name + ": " + e.what());
      report.errors.push_back({name, e.what()});
    }
  }
  return report;
}

bool AgentRuntime::deliver(const Report& report) {
  bool all = true;
  for (auto& [name, sink] : sinks_) {
    DeliveryResult result;
    try {
      result = sink->deliver(report);
    } catch (const std::exception& e) {
      result = DeliveryResult::retryLater(e.what());
    }
    std::string line = name + ": report " + report.reportID + " " + toString(result.outcome);
    if (!result.detail.empty()) line += " (" + result.detail + ")";
    if (result.outcome == DeliveryResult::Outcome::Delivered) {
      log_.info(line);
    } else {
      log_.warning(line);
      all = false;
    }
  }
  return all;
}

}  // namespace kubecensus::agent
