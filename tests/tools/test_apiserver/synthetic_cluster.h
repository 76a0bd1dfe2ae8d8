// A generated cluster of any size (--generate): the layout is computed up front, the objects
// are made when a page asks for them. See NodeGenerator, NamespaceGenerator and
// WorkloadGenerator for what the objects look like.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cluster_shape.h"
#include "namespace_generator.h"
#include "node_generator.h"
#include "object_collection.h"
#include "resource_catalog.h"
#include "workload_generator.h"

namespace kctest::apiserver {

class SyntheticCluster {
 public:
  // `counts` maps resource keys ("nodes", "namespaces", "pods", "deployments.apps", ...) to
  // how many objects to make; resources not in it have none, except that kube-system exists.
  SyntheticCluster(const std::map<std::string, std::uint64_t>& counts, std::uint64_t seed,
                   std::string canary);
  SyntheticCluster(const SyntheticCluster&) = delete;
  SyntheticCluster& operator=(const SyntheticCluster&) = delete;

  // The objects of `type` (one of the catalog's listable resources). The collection refers
  // to this cluster, which must outlive it.
  std::unique_ptr<ObjectCollection> collection(const ResourceType& type) const;

 private:
  Naming naming_;
  ClusterShape shape_;
  NodeGenerator nodes_;
  NamespaceGenerator namespaces_;
  WorkloadGenerator workloads_;
};

}  // namespace kctest::apiserver
