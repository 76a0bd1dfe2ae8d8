#include "workload_summarizer.h"

#include "../k8s-common/json_fields.h"
#include "../k8s-common/list_errors.h"

namespace kubecensus::k8s {

const std::vector<WorkloadKind>& workloadKinds() {
  static const std::vector<WorkloadKind> kinds{
      {{"", "v1", "pods"}, true},
      {{"", "v1", "services"}, false},
      {{"apps", "v1", "deployments"}, false},
      {{"apps", "v1", "statefulsets"}, false},
      {{"apps", "v1", "daemonsets"}, false},
      {{"batch", "v1", "jobs"}, false},
      {{"batch", "v1", "cronjobs"}, false},
  };
  return kinds;
}

void WorkloadSummarizer::add(const nlohmann::json& object, Micros now) {
  ++total_;
  perNamespace_.add(stringOf(object, "metadata", "namespace"));
  if (std::optional<std::int64_t> age = objectAgeSeconds(object, now)) ages_.add(*age);
  if (phases_) phases_->add(stringOf(object, "status", "phase"));
}

void WorkloadSummarizer::reset() {
  total_ = 0;
  perNamespace_.reset();
  ages_.reset();
  if (phases_) phases_->reset();
}

WorkloadSummary WorkloadSummarizer::summary() const {
  WorkloadSummary out;
  out.kind = kind_;
  out.total = total_;
  out.perNamespace = perNamespace_.histogram();
  out.ages = ages_.summary();
  if (phases_) out.phases = phases_->counts();
  return out;
}

void collectWorkloads(KubeApi& api, CollectContext& context, ReportBuilder& report) {
  for (const WorkloadKind& kind : workloadKinds()) {
    stopIfCancelled(context);
    WorkloadSummarizer summarizer(kind);
    if (summarizeList(api, context, report, kind.resource,
                      ListOptions{.metadataOnly = !kind.hasPhases, .fields = kWorkloadFields}, summarizer))
      report.addWorkload(summarizer.summary());
  }
}

}  // namespace kubecensus::k8s
