// Generated Nodes shaped like the captured ones (tests/fixtures/k8s/real): nodes come in pools
// of 5 consecutive indexes, and a pool has one cloud (AWS/EKS, GCE/GKE, Azure/AKS,
// DigitalOcean, Linode, vSphere or bare metal without providerID), instance type (some with
// nvidia.com/gpu), OS image, kernel, container runtime and kubelet version. Nodes 0-2 are
// control-plane nodes when there are more than 3. Names, uids, providerIDs, machineID,
// systemUUID, bootID, hostnames, pool names and images carry the canary; IPs are unique.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "naming.h"

namespace kctest::apiserver {

class NodeGenerator {
 public:
  NodeGenerator(const Naming& naming, std::uint64_t count) : naming_(naming), count_(count) {}

  std::uint64_t count() const { return count_; }
  std::string name(std::uint64_t index) const;
  std::string internalIp(std::uint64_t index) const;
  nlohmann::json object(std::uint64_t index) const;

 private:
  struct Pool;
  Pool pool(std::uint64_t index) const;

  const Naming& naming_;
  std::uint64_t count_;
};

}  // namespace kctest::apiserver
