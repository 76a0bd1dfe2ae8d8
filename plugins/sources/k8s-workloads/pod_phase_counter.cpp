#include "pod_phase_counter.h"

#include <algorithm>
#include <string>

namespace kubecensus::k8s {

void PodPhaseCounter::add(std::string_view phase) {
  auto it = std::find(kPodPhases.begin(), kPodPhases.end(), phase);
  if (it == kPodPhases.end()) it = std::find(kPodPhases.begin(), kPodPhases.end(), "Unknown");
  ++counts_[static_cast<std::size_t>(it - kPodPhases.begin())];
}

std::vector<CountByName> PodPhaseCounter::counts() const {
  std::vector<CountByName> out;
  for (std::size_t i = 0; i < kPodPhases.size(); ++i) out.push_back({std::string(kPodPhases[i]), counts_[i]});
  return out;
}

}  // namespace kubecensus::k8s
