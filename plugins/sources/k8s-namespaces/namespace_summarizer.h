// The namespaces section: how many namespaces there are and how old they are. Names are
// never read.
#pragma once

#include <nlohmann/json.hpp>

#include "../k8s-common/age_histogram.h"
#include "../k8s-common/kube_api.h"
#include "kubecensus/plugin/source.h"
#include "kubecensus/report/report.h"

namespace kubecensus::k8s {

inline const ApiResource kNamespacesResource{"", "v1", "namespaces"};

class NamespaceSummarizer {
 public:
  // Counts one namespace; its age (metadata.creationTimestamp relative to `now`) goes into the
  // age buckets when it has one.
  void add(const nlohmann::json& ns, Micros now);
  void reset() { *this = NamespaceSummarizer(); }
  NamespaceSummary summary() const;

 private:
  std::uint64_t count_ = 0;
  AgeHistogram ages_;
};

// Lists the namespaces (metadata only) into the report's namespaces section. A failed list
// leaves the section out and records why in the report's errors; a list that starts over
// (410 Gone) is counted from zero again. Throws CollectionCancelled when the agent shuts down.
void collectNamespaces(KubeApi& api, CollectContext& context, ReportBuilder& report);

}  // namespace kubecensus::k8s
