// Generated namespaced objects: Pods, Services, Deployments, StatefulSets, DaemonSets, Jobs
// and CronJobs, shaped like the captured ones. Object `index` of a resource lives in the
// namespace the ClusterShape gives it and was created between its namespace's creation and
// the reference time; pods run on generated nodes (when there are any) in a mix of phases.
// Names, uids, free-form label values, annotations and images are unique per object and
// carry the canary; cluster and pod IPs are unique per object.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster_shape.h"
#include "naming.h"
#include "node_generator.h"
#include "resource_catalog.h"

namespace kctest::apiserver {

class WorkloadGenerator {
 public:
  WorkloadGenerator(const Naming& naming, const ClusterShape& shape, const NodeGenerator& nodes)
      : naming_(naming), shape_(shape), nodes_(nodes) {}

  // `type` is one of the namespaced resources of the catalog.
  std::string name(const ResourceType& type, std::uint64_t index) const;
  nlohmann::json object(const ResourceType& type, std::uint64_t index) const;
  // object(type, index)["metadata"], made without the rest of the object.
  nlohmann::json metadata(const ResourceType& type, std::uint64_t index) const;

 private:
  nlohmann::json podSpec(Stream stream, std::uint64_t index, DeterministicRandom& rng) const;
  nlohmann::json podTemplate(Stream stream, std::uint64_t index, const nlohmann::json& labels,
                             DeterministicRandom& rng) const;
  nlohmann::json pod(const ResourceType& type, std::uint64_t index) const;
  nlohmann::json service(const ResourceType& type, std::uint64_t index) const;
  nlohmann::json controller(const ResourceType& type, std::uint64_t index) const;
  nlohmann::json job(const ResourceType& type, std::uint64_t index) const;
  nlohmann::json cronJob(const ResourceType& type, std::uint64_t index) const;

  const Naming& naming_;
  const ClusterShape& shape_;
  const NodeGenerator& nodes_;
};

}  // namespace kctest::apiserver
