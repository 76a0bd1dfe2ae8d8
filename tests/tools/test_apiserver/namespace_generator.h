// Generated Namespaces: the names and creation times come from the ClusterShape; kube-system
// always exists (index 0) and its uid depends on the seed only, never on the canary, so it
// stays a valid UUID that a test can predict (agents use it as the cluster's identity).
#pragma once

#include <nlohmann/json.hpp>

#include "cluster_shape.h"
#include "naming.h"

namespace kctest::apiserver {

class NamespaceGenerator {
 public:
  NamespaceGenerator(const Naming& naming, const ClusterShape& shape) : naming_(naming), shape_(shape) {}

  nlohmann::json object(std::size_t index) const;

 private:
  const Naming& naming_;
  const ClusterShape& shape_;
};

}  // namespace kctest::apiserver
