// The objects of one resource, however they are held: loaded from fixture files or made on
// the fly by the generator. Positions are list order within a namespace ("" = all namespaces,
// which is also the only scope of a cluster-scoped resource), so a page is a range of them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace kctest::apiserver {

class ObjectCollection {
 public:
  virtual ~ObjectCollection() = default;

  // How many objects are in `ns` ("" = all).
  virtual std::size_t count(const std::string& ns) const = 0;
  // The object at `position` (< count(ns)) in `ns`, with kind and apiVersion set.
  virtual nlohmann::json at(const std::string& ns, std::size_t position) const = 0;
  // at(ns, position)["metadata"]; a collection may make it more cheaply than the object.
  virtual nlohmann::json metadataAt(const std::string& ns, std::size_t position) const {
    return at(ns, position)["metadata"];
  }
  // The object called `name` in `ns` ("" for cluster-scoped), if there is one.
  virtual std::optional<nlohmann::json> find(const std::string& ns, const std::string& name) const = 0;
  // The largest metadata.resourceVersion among the objects (0 if none or not numeric).
  virtual unsigned long long maxResourceVersion() const = 0;
};

}  // namespace kctest::apiserver
