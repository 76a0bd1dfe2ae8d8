#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/config/validate.h"
#include "kubecensus/outbox/forwarder.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/plugin/source.h"
#include "kubecensus/util/logger.h"

namespace kubecensus {
class KubeClient;
}

namespace kubecensus::agent {

// The agent's working parts for one configuration: its identity, its sources and sinks.
// One pass = collect() then deliver().
class AgentRuntime {
 public:
  // Creates every configured plugin and reads (or creates) the state: secret salt and,
  // unless configured, the cluster ID. Throws on a plugin that cannot be created.
  AgentRuntime(const ValidatedConfig& config, const PluginRegistry& registry, Logger& log);
  ~AgentRuntime();

  // Runs every source into a new report with a fresh reportID. A failing source is recorded
  // in the report's errors; the report still goes out. `extensions`: more facts from the
  // program that embeds the agent, held to the same rules as a source's (docs/privacy.md).
  Report collect(const std::vector<Extension>& extensions = {});
  // Hands the report to every sink; true if all delivered it.
  bool deliver(const Report& report);

  std::size_t sinkCount() const { return sinks_.size(); }
  KubeClient* kube() const { return kube_.get(); }
  // The sources that run, with the Kubernetes access each declared (for rbac-check).
  std::vector<std::pair<std::string, const char*>> sourceAccess() const;
  const std::string& clusterID() const { return clusterID_; }
  const std::string& stateDir() const { return stateDir_; }
  std::vector<NamedSink> namedSinks() const;
  const PrivacySettings& privacy() const { return privacy_; }
  // Why reporting from this cluster is switched off by its opt-out ConfigMap, or nullopt.
  // A ConfigMap the agent may not read (403) does not switch reporting off (logged once); one
  // that cannot be read for another reason keeps the last answer, and off until a first answer.
  std::optional<std::string> clusterOptOut();
  // One line for the start of a run: level, sinks and where they send, how to turn it off.
  std::string announcement() const;

 private:
  template <class T>
  struct Named {
    std::string name;
    PluginHandle<T> plugin;
    const PluginDescriptor* descriptor;
  };

  Logger& log_;
  std::unique_ptr<KubeClient> kube_;  // nullptr without cluster access
  std::string salt_;
  std::string clusterID_;
  std::string stateDir_;
  PrivacySettings privacy_;
  std::string optOutConfigMap_;
  bool optOutUnreadableLogged_ = false;
  std::optional<bool> optedOut_;               // the opt-out ConfigMap's last answer
  std::vector<std::string> sinkDestinations_;  // "sink.collector -> http://..."
  std::vector<Named<Source>> sources_;
  std::vector<Named<Sink>> sinks_;
};

}  // namespace kubecensus::agent
