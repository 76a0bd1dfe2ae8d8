// Pods by status.phase, from a closed list so only Kubernetes' own words leave the agent.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus::k8s {

// Kubernetes' PodPhase values, in the order the report lists them.
inline constexpr std::array<std::string_view, 5> kPodPhases{"Pending", "Running", "Succeeded", "Failed",
                                                            "Unknown"};

class PodPhaseCounter {
 public:
  // A phase not on the list (or none) counts as "Unknown".
  void add(std::string_view phase);
  void reset() { counts_ = {}; }
  // Every phase of the list, in its order, zeros included.
  std::vector<CountByName> counts() const;

 private:
  std::array<std::uint64_t, kPodPhases.size()> counts_{};
};

}  // namespace kubecensus::k8s
