// Objects loaded from JSON files: a typed List (NodeList, PodList, ...), the "List" that
// `kubectl get -o json` writes, a bare JSON array of objects (sonobuoy's format), or a single
// object. Several files for one resource are concatenated in the order given.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "object_collection.h"
#include "resource_catalog.h"

namespace kctest::apiserver {

class FixtureCollection : public ObjectCollection {
 public:
  explicit FixtureCollection(const ResourceType& type) : type_(type) {}

  // Adds the objects of one file; throws std::runtime_error naming the file if it is not one
  // of the accepted shapes or an object is not a `type` (kind, when present, must match).
  void load(const std::string& path);

  std::size_t count(const std::string& ns) const override;
  nlohmann::json at(const std::string& ns, std::size_t position) const override;
  std::optional<nlohmann::json> find(const std::string& ns, const std::string& name) const override;
  unsigned long long maxResourceVersion() const override { return maxResourceVersion_; }

 private:
  const ResourceType& type_;
  std::vector<nlohmann::json> items_;
  std::map<std::string, std::vector<std::size_t>> byNamespace_;  // positions into items_
  unsigned long long maxResourceVersion_ = 0;
};

}  // namespace kctest::apiserver
