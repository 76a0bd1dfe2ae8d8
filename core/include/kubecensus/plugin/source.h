#pragma once

#include <atomic>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"
#include "kubecensus/report/node_groups.h"
#include "kubecensus/report/privacy.h"
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
// The host makes one per source, so errors are attributed to it. Nodes are counted into node
// groups; their rows are kept only when the privacy level is detailed (docs/privacy.md).
class ReportBuilder {
 public:
  // Detailed, counting nodes into a counter of its own (tests, embedding).
  ReportBuilder(Report& report, std::string source)
      : report_(report),
        source_(std::move(source)),
        owned_(std::make_unique<NodeGroupCounter>()),
        nodes_(*owned_) {}
  ReportBuilder(Report& report, std::string source, PrivacyLevel level, NodeGroupCounter& nodes)
      : report_(report), source_(std::move(source)), level_(level), nodes_(nodes) {}

  // What the report will keep: a source may skip work for what the level leaves out.
  PrivacyLevel level() const { return level_; }
  void setMasterVersion(std::string version) { report_.masterVersion = std::move(version); }
  void addNode(Node node) {
    nodes_.add(node);
    if (level_ >= PrivacyLevel::Detailed) report_.nodes.push_back(std::move(node));
  }
  void addNodes(std::vector<Node> nodes) {
    for (const Node& node : nodes) nodes_.add(node);
    if (level_ < PrivacyLevel::Detailed) return;
    if (report_.nodes.empty()) {
      report_.nodes = std::move(nodes);  // no copy of a large cluster's nodes
    } else {
      report_.nodes.insert(report_.nodes.end(), std::make_move_iterator(nodes.begin()),
                           std::make_move_iterator(nodes.end()));
    }
  }
  // Nodes the source counted itself (a large cluster below the detailed level: no rows kept).
  void addCountedNodes(const NodeGroupCounter& counted) { nodes_.merge(counted); }
  const NodeGroupCounter& countedNodes() const { return nodes_; }
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
  PrivacyLevel level_ = PrivacyLevel::Detailed;
  std::unique_ptr<NodeGroupCounter> owned_;
  NodeGroupCounter& nodes_;
};

class Source : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Source;

  // Adds this source's part of the report. Throwing records a SourceError in the report.
  virtual void collect(CollectContext& context, ReportBuilder& report) = 0;
};

}  // namespace kubecensus
