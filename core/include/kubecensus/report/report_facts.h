// What the collector's statistics count of one report, whatever its shape: node groups
// (standard and detailed reports) or per-node rows (detailed reports before node groups,
// Spartakus and tectonic records). The stats API counts each cluster by its latest report in an
// interval, so these are the facts of one cluster at one time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "kubecensus/report/report.h"

namespace kubecensus {

struct ReportFacts {
  std::uint64_t nodes = 0;
  double cores = 0;        // sum of the nodes' cpu capacity
  double memoryBytes = 0;  // sum of their memory capacity
  // Nodes by attribute: "operatingSystem", "osImage", "kernelVersion", "architecture",
  // "containerRuntime" (the runtime's name: containerd, cri-o, docker), "kubeletMinor" (1.31),
  // "cloudProvider". Nodes whose value is unknown count under "unknown"; the nodes of a
  // report's "other" group (configurations too rare to show) under "other".
  std::map<std::string, std::map<std::string, std::uint64_t>> nodesBy;
};

ReportFacts reportFacts(const Report& report);

// "v1.31.2-gke.1" -> "1.31"; nullopt when the text has no major.minor.
std::optional<std::string> minorVersion(std::string_view gitVersion);

// "containerd://1.7.22" -> "containerd"; "" -> "unknown".
std::string runtimeName(std::string_view containerRuntimeVersion);

}  // namespace kubecensus
