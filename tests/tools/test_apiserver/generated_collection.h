// The objects of one generated resource, made on demand: object i is a pure function of
// (seed, canary, i), so a page costs only its own objects and nothing is kept in memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cluster_shape.h"
#include "object_collection.h"

namespace kctest::apiserver {

class GeneratedCollection : public ObjectCollection {
 public:
  using NameOf = std::function<std::string(std::uint64_t)>;
  using ObjectOf = std::function<nlohmann::json(std::uint64_t)>;

  // `key` is the resource's key in the ClusterShape when it is namespaced; a cluster-scoped
  // resource has `total` objects. `metadataOf` (optional) makes just an object's metadata.
  GeneratedCollection(const ClusterShape& shape, std::string key, bool namespaced, std::uint64_t total,
                      NameOf nameOf, ObjectOf objectOf, ObjectOf metadataOf = nullptr)
      : shape_(shape),
        key_(std::move(key)),
        namespaced_(namespaced),
        total_(total),
        nameOf_(std::move(nameOf)),
        objectOf_(std::move(objectOf)),
        metadataOf_(std::move(metadataOf)) {}

  std::size_t count(const std::string& ns) const override;
  nlohmann::json at(const std::string& ns, std::size_t position) const override;
  nlohmann::json metadataAt(const std::string& ns, std::size_t position) const override;
  std::optional<nlohmann::json> find(const std::string& ns, const std::string& name) const override;
  // Generated objects have resourceVersions below this.
  unsigned long long maxResourceVersion() const override { return 9'000'000; }

 private:
  std::pair<std::uint64_t, std::uint64_t> range(const std::string& ns) const;

  const ClusterShape& shape_;
  std::string key_;
  bool namespaced_;
  std::uint64_t total_;
  NameOf nameOf_;
  ObjectOf objectOf_;
  ObjectOf metadataOf_;
};

}  // namespace kctest::apiserver
