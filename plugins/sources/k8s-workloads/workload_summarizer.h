// The workloads section: per kind of object (pods, services, deployments, statefulsets,
// daemonsets, jobs, cronjobs) how many there are, how they spread over namespaces, how old
// they are, and for pods their phases. Counters only: memory does not grow with the objects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../k8s-common/age_histogram.h"
#include "../k8s-common/kube_api.h"
#include "kubecensus/plugin/source.h"
#include "per_namespace_counter.h"
#include "pod_phase_counter.h"

namespace kubecensus::k8s {

struct WorkloadKind {
  ApiResource resource;  // resource.resource is the report's `kind`
  bool hasPhases;        // pods: listed as full objects for status.phase; the rest metadata only
};

// What WorkloadSummarizer reads of an object; the list skips the rest while parsing.
inline const std::vector<std::string> kWorkloadFields{"metadata.namespace", "metadata.creationTimestamp",
                                                      "status.phase"};

// The kinds, in the order the report lists them.
const std::vector<WorkloadKind>& workloadKinds();

class WorkloadSummarizer {
 public:
  explicit WorkloadSummarizer(const WorkloadKind& kind) : kind_(kind.resource.resource) {
    if (kind.hasPhases) phases_.emplace();
  }

  // Reads metadata.namespace, metadata.creationTimestamp and (pods) status.phase; nothing else.
  void add(const nlohmann::json& object, Micros now);
  void reset();
  WorkloadSummary summary() const;

 private:
  std::string kind_;
  std::uint64_t total_ = 0;
  PerNamespaceCounter perNamespace_;
  AgeHistogram ages_;
  std::optional<PodPhaseCounter> phases_;
};

// Lists each kind and adds its summary. A kind whose list fails (forbidden by RBAC, or any
// other KubeError) is left out and named in the report's errors; the other kinds go on. A list
// that starts over (410 Gone) counts that kind from zero again. Throws CollectionCancelled
// when the agent shuts down.
void collectWorkloads(KubeApi& api, CollectContext& context, ReportBuilder& report);

}  // namespace kubecensus::k8s
