#include "namespace_summarizer.h"

#include "../k8s-common/list_errors.h"

namespace kubecensus::k8s {

void NamespaceSummarizer::add(const nlohmann::json& ns, Micros now) {
  ++count_;
  if (std::optional<std::int64_t> age = objectAgeSeconds(ns, now)) ages_.add(*age);
}

NamespaceSummary NamespaceSummarizer::summary() const {
  return {count_, ages_.summary()};
}

void collectNamespaces(KubeApi& api, CollectContext& context, ReportBuilder& report) {
  NamespaceSummarizer summarizer;
  if (summarizeList(api, context, report, kNamespacesResource,
                    ListOptions{.metadataOnly = true, .fields = {"metadata.creationTimestamp"}}, summarizer))
    report.setNamespaces(summarizer.summary());
}

}  // namespace kubecensus::k8s
