#include "kubecensus/stats/catalog.h"

#include <array>

namespace kubecensus::stats {

const std::vector<std::string>& clusterSizeBuckets() {
  static const std::vector<std::string> buckets{"1",      "2-3",     "4-10",     "11-50",
                                                "51-100", "101-500", "501-1000", "1001+"};
  return buckets;
}

const std::vector<std::string>& namespaceCountBuckets() {
  static const std::vector<std::string> buckets{"1-5", "6-10", "11-20", "21-50", "51-100", "101-500", "501+"};
  return buckets;
}

const std::vector<std::string>& workloadSizeBuckets() {
  static const std::vector<std::string> buckets{"0", "1-10", "11-100", "101-1000", "1001-10000", "10001+"};
  return buckets;
}

const std::vector<std::string>& lifetimeBuckets() {
  static const std::vector<std::string> buckets{"<1 day",      "1-7 days",     "8-30 days", "31-90 days",
                                                "91-180 days", "181-365 days", ">365 days"};
  return buckets;
}

std::string workloadSizeDimension(std::string_view kind) {
  return "workloadSize:" + std::string(kind);
}

std::span<const StatSpec> statCatalog() {
  using S = StatShape;
  static const std::array<StatSpec, 18> catalog{{
      {"active-clusters", S::Series, kActiveDimension, "", "clusters with at least one report"},
      {"new-clusters", S::Series, kNewDimension, "", "clusters whose first report falls in the interval"},
      {"reports", S::Series, kReportsDimension, "", "reports stored (each report counts)"},
      {"totals", S::Totals, kTotalsDimension, "", "nodes, cores and memory of the active clusters"},
      {"master-versions", S::Breakdown, "masterMinor", "nodes", "clusters by the API server's minor version"},
      {"kubelet-versions", S::Breakdown, "kubeletMinor", "nodes",
       "clusters by their nodes' kubelet minor version"},
      {"operating-systems", S::Breakdown, "operatingSystem", "nodes",
       "clusters by their nodes' operating system"},
      {"os-images", S::Breakdown, "osImage", "nodes", "clusters by their nodes' OS image"},
      {"kernels", S::Breakdown, "kernelVersion", "nodes", "clusters by their nodes' kernel version"},
      {"container-runtimes", S::Breakdown, "containerRuntime", "nodes",
       "clusters by their nodes' container runtime"},
      {"architectures", S::Breakdown, "architecture", "nodes", "clusters by their nodes' CPU architecture"},
      {"cloud-providers", S::Breakdown, "cloudProvider", "nodes", "clusters by their nodes' cloud provider"},
      {"cluster-sizes", S::Breakdown, "clusterSize", "nodes", "clusters by how many nodes they have",
       &clusterSizeBuckets()},
      {"namespaces", S::Breakdown, "namespaces", "objects", "clusters by how many namespaces they have",
       &namespaceCountBuckets()},
      {"workloads", S::Breakdown, "workloads", "objects",
       "clusters reporting each workload kind, and how many objects"},
      {"workload-sizes", S::Breakdown, "workloadSize:", "objects",
       "clusters by how many objects of one workload kind (?kind=, default pods) they have",
       &workloadSizeBuckets()},
      {"formats", S::Breakdown, "format", "nodes", "clusters by the wire format of their reports"},
      {"lifetimes", S::Lifetimes, "", "", "clusters by how long they have reported (first to latest report)",
       &lifetimeBuckets()},
  }};
  return catalog;
}

const StatSpec* findStat(std::string_view name) {
  for (const StatSpec& spec : statCatalog())
    if (spec.name == name) return &spec;
  return nullptr;
}

}  // namespace kubecensus::stats
