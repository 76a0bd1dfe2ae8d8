#include "kubecensus/agent/agent_runtime.h"

#include "kubecensus/agent/agent_program.h"
#include "kubecensus/agent/cluster_connection.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/report/privacy.h"
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
  AgentCollectContext(Logger log, const std::string& salt, KubeClient* kube)
      : log_(std::move(log)), salt_(salt), kube_(kube) {}
  Logger& log() override { return log_; }
  // 128 bits of HMAC-SHA256: the length of Spartakus' node IDs, far beyond guessing.
  std::string anonymize(std::string_view identity) const override {
    return hmacSha256Hex(salt_, identity).substr(0, 32);
  }
  bool cancelled() const override { return Shutdown::requested(); }
  KubeClient* kube() override { return kube_; }
  Micros now() const override { return nowMicros(); }

 private:
  Logger log_;
  const std::string& salt_;
  KubeClient* kube_;
};

// Among the default sources (those no config section named), the Kubernetes ones run when
// the agent can reach a cluster, the others (host) when it cannot.
bool skipDefault(const ConfiguredPlugin& configured, bool haveCluster) {
  if (configured.where.file != kDefaultsOrigin) return false;
  bool needsKubernetes = (configured.descriptor->flags & kPluginNeedsKubernetes) != 0;
  return needsKubernetes != haveCluster;
}

}  // namespace

AgentRuntime::AgentRuntime(const ValidatedConfig& config, const PluginRegistry& registry, Logger& log)
    : log_(log) {
  const Options& agent = config.section("agent");
  StateDir state(stateDirectory(config));
  stateDir_ = state.path();
  salt_ = state.readOrCreate("salt", [] { return randomHex(32); });
  kube_ = connectToCluster(config.section("kubernetes"), currentEnvironment(), log_);
  privacy_.level = parsePrivacyLevel(agent.getString("level")).value_or(PrivacyLevel::Standard);
  privacy_.minGroupSize =
      static_cast<std::uint64_t>(std::max<std::int64_t>(1, agent.getInt("min_group_size")));
  optOutConfigMap_ = agent.getString("opt_out_configmap");
  clusterID_ = agent.getString("cluster_id");
  if (clusterID_.empty() && kube_) {
    try {
      clusterID_ =
          clusterIdFromUid(config.section("kubernetes").getString("cluster_id_key"), kubeSystemUid(*kube_));
    } catch (const KubeError& e) {
      log_.warning(std::string("cannot derive the cluster ID from the kube-system namespace (") + e.what() +
                   "); using the one kept in the state directory");
    }
  }
  if (clusterID_.empty()) clusterID_ = state.readOrCreate("cluster-id", [] { return randomUuid(); });

  for (const auto& configured : config.plugins) {
    if (configured.kind == PluginKind::Source && skipDefault(configured, kube_ != nullptr)) continue;
    const LoadedPlugin& plugin = registry.require(configured.kind, configured.plugin);
    std::string name = std::string(sectionPrefix(configured.kind)) + "." + configured.instance;
    if (configured.kind == PluginKind::Source) {
      sources_.push_back({name, registry.create<Source>(plugin, configured.options), plugin.descriptor});
    } else {
      sinks_.push_back({name, registry.create<Sink>(plugin, configured.options), plugin.descriptor});
      const char* specOption = plugin.descriptor->specOption;
      const std::string where = specOption ? configured.options.getString(specOption, "") : std::string();
      sinkDestinations_.push_back(name + (where.empty() ? "" : " -> " + where));
    }
  }
}

AgentRuntime::~AgentRuntime() = default;

Report AgentRuntime::collect(const std::vector<Extension>& extensions) {
  Report report;
  report.reportID = randomUuid();
  report.clusterID = clusterID_;
  report.generatedAt = nowMicros();
  report.agent = {"kubecensus-agent", kVersion};
  NodeGroupCounter nodes;
  for (auto& [name, source, descriptor] : sources_) {
    AgentCollectContext context(log_.child(name), salt_, kube_.get());
    ReportBuilder builder(report, name, privacy_.level, nodes);
    try {
      source->collect(context, builder);
    } catch (const KubeError& e) {
      // Its message may quote the API server (addresses, object names): the log gets it, the
      // report only the status.
      log_.warning(name + ": " + e.what());
      report.errors.push_back({name, "a Kubernetes API request failed (HTTP " + std::to_string(e.status()) +
                                         "); the agent's log says more"});
    } catch (const std::exception& e) {
      log_.warning(name + ": " + e.what());
      report.errors.push_back({name, e.what()});
    }
  }
  report.extensions.insert(report.extensions.end(), extensions.begin(), extensions.end());
  applyPrivacy(report, privacy_, &nodes);
  return report;
}

std::optional<std::string> AgentRuntime::clusterOptOut() {
  if (!kube_ || optOutConfigMap_.empty()) return std::nullopt;
  try {
    optedOut_ = clusterOptedOut(*kube_, optOutConfigMap_);
  } catch (const KubeError& e) {
    if (e.forbidden()) {
      // The agent may not read it: there is no switch the admins could have set for it.
      if (!optOutUnreadableLogged_)
        log_.warning(
            "cannot read the opt-out ConfigMap " + optOutConfigMap_ + " (" + e.what() +
            "); reporting goes on (grant get on it to let the cluster's admins switch reporting off)");
      optOutUnreadableLogged_ = true;
      optedOut_ = false;
    } else {
      // No answer (or a failing API server): keep what it said last, so a hiccup never turns a
      // switched-off cluster back on; one never read counts as off, so nothing leaves unasked.
      log_.warning("cannot read the opt-out ConfigMap " + optOutConfigMap_ + " (" + e.what() + "); " +
                   (optedOut_.value_or(true) ? "not reporting until it can be read"
                                             : "it did not disable reporting when last read"));
      if (!optedOut_) return "the opt-out ConfigMap " + optOutConfigMap_ + " cannot be read yet";
    }
  }
  if (optedOut_.value_or(false)) return "ConfigMap " + optOutConfigMap_ + " has data.disabled = \"true\"";
  return std::nullopt;
}

std::string AgentRuntime::announcement() const {
  static const char* kContent[] = {
      "", "versions and counts", "versions, counts, node groups, histograms, extensions",
      "versions, counts, node groups, histograms, extensions and one row per node"};
  std::string line = std::string("level ") + toString(privacy_.level) + " (" +
                     kContent[static_cast<int>(privacy_.level)] + "; docs/privacy.md) to";
  for (std::size_t i = 0; i < sinkDestinations_.size(); ++i) line += (i ? ", " : " ") + sinkDestinations_[i];
  line += "; turn off with agent.level = off, DO_NOT_TRACK=1, KUBECENSUS_DISABLED=1";
  if (!optOutConfigMap_.empty()) line += " or data.disabled: \"true\" in ConfigMap " + optOutConfigMap_;
  return line;
}

std::vector<std::pair<std::string, const char*>> AgentRuntime::sourceAccess() const {
  std::vector<std::pair<std::string, const char*>> access;
  for (const auto& source : sources_) access.emplace_back(source.name, source.descriptor->kubernetesAccess);
  return access;
}

std::vector<NamedSink> AgentRuntime::namedSinks() const {
  std::vector<NamedSink> named;
  for (const auto& sink : sinks_) named.push_back({sink.name, sink.plugin.get()});
  return named;
}

bool AgentRuntime::deliver(const Report& report) {
  bool all = true;
  for (auto& [name, sink, descriptor] : sinks_) {
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
