#pragma once

#include <atomic>
#include <iterator>
#include <string>
#include <string_view>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"
#include "kubecensus/report/report.h"

namespace kubecensus {

class KubeClient;
class Logger;

// What a source may use during one pass. Everything here is owned by the host and lives
// for the duration of collect().
class CollectContext {
 public:
  virtual ~CollectContext() = default;
  virtual Logger& log() = 0;
  // Keyed hash (HMAC-SHA256 with the agent's secret salt, hex): stable for the same input on
  // this agent, not reversible by guessing inputs. Use for every identifier that leaves.
  virtual std::string anonymize(std::string_view identity) const = 0;
  // True once the agent is shutting down; long collections should stop early.
  virtual bool cancelled() const = 0;
  // The cluster's API, or nullptr when the agent has no Kubernetes access configured.
  virtual KubeClient* kube() = 0;
  // The agent's clock (for ages), so tests can fix it.
  virtual Micros now() const = 0;
};

// The only way a source writes into a report, so the host controls what can be added.
// The host makes one per source, so errors are attributed to it.
class ReportBuilder {
 public:
  ReportBuilder(Report& report, std::string source) : report_(report), source_(std::move(source)) {}
  void setMasterVersion(std::string version) { report_.masterVersion = std::move(version); }
  void addNode(Node node) { report_.nodes.push_back(std::move(node)); }
  void addNodes(std::vector<Node> nodes) {
    if (report_.nodes.empty()) {
      report_.nodes = std::move(nodes);  // no copy of a large cluster's nodes
    } else {
      report_.nodes.insert(report_.nodes.end(), std::make_move_iterator(nodes.begin()),
                           std::make_move_iterator(nodes.end()));
    }
  }
  void setMasterPlatform(std::string platform) { report_.masterPlatform = std::move(platform); }
  void setNamespaces(NamespaceSummary summary) { report_.namespaces = std::move(summary); }
  void addWorkload(WorkloadSummary summary) { report_.workloads.push_back(std::move(summary)); }
  void addExtension(std::string name, std::string value) {
    report_.extensions.push_back({std::move(name), std::move(value)});
  }
  // Records a problem that left out part of this source's data; the pass goes on.
  void addError(std::string message) { report_.errors.push_back({source_, std::move(message)}); }
  const Report& report() const { return report_; }

 private:
  Report& report_;
  std::string source_;
};

class Source : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Source;

  // Adds this source's part of the report. Throwing records a SourceError in the report.
  virtual void collect(CollectContext& context, ReportBuilder& report) = 0;
};

}  // namespace kubecensus
