// What the server serves: for each listable resource of the catalog its objects (loaded with
// --objects, generated with --generate, or none), the /version body, and the resourceVersion
// of lists (above every object's). A resource that is loaded is not generated; with
// --generate, namespaces are generated (at least kube-system) unless they are loaded.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "object_collection.h"
#include "resource_catalog.h"
#include "server_options.h"
#include "synthetic_cluster.h"

namespace kctest::apiserver {

class ClusterData {
 public:
  // Throws std::runtime_error naming the file when a fixture cannot be used.
  ClusterData(const ServerOptions& options, const ResourceCatalog& catalog);

  const ObjectCollection& objects(const ResourceType& type) const { return *collections_.at(type.key()); }
  const nlohmann::json& version() const { return version_; }
  std::uint64_t resourceVersion() const { return resourceVersion_; }

 private:
  std::unique_ptr<SyntheticCluster> synthetic_;
  std::map<std::string, std::unique_ptr<ObjectCollection>> collections_;
  nlohmann::json version_;
  std::uint64_t resourceVersion_ = 1;
};

}  // namespace kctest::apiserver
