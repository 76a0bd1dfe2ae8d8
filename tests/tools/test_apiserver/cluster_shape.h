// How a generated cluster is laid out, without any of its objects: the namespaces (names and
// creation times) and, for each namespaced resource, how many objects each namespace holds.
// A few namespaces are big and most are small (Zipf-like weights over a seeded ranking), and
// the objects of a namespace are one contiguous index range, so that a namespace's list is a
// slice and a cluster-wide list runs namespace after namespace, as etcd's key order does.
// Memory is O(namespaces x namespaced resources), whatever the object counts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "naming.h"

namespace kctest::apiserver {

class ClusterShape {
 public:
  // `namespaces` counts the system namespaces too: index 0 is kube-system, then default,
  // kube-public and kube-node-lease while there is room. At least 1. `namespacedCounts` maps
  // a resource key ("pods", "deployments.apps") to its total object count.
  ClusterShape(const Naming& naming, std::size_t namespaces,
               const std::map<std::string, std::uint64_t>& namespacedCounts);

  std::size_t namespaceCount() const { return names_.size(); }
  const std::string& namespaceName(std::size_t ns) const { return names_[ns]; }
  std::optional<std::size_t> namespaceIndex(const std::string& name) const;
  std::int64_t namespaceCreated(std::size_t ns) const { return created_[ns]; }

  std::uint64_t total(const std::string& key) const;
  // The [first, last) object indexes of resource `key` in namespace `ns`.
  std::pair<std::uint64_t, std::uint64_t> range(const std::string& key, std::size_t ns) const;
  // The namespace of object `index` of resource `key`.
  std::size_t namespaceOf(const std::string& key, std::uint64_t index) const;

  static constexpr std::size_t kSystemNamespaces = 4;

 private:
  std::vector<std::string> names_;
  std::vector<std::int64_t> created_;
  std::unordered_map<std::string, std::size_t> indexByName_;
  std::map<std::string, std::vector<std::uint64_t>> offsets_;  // per key: namespaceCount()+1 entries
};

}  // namespace kctest::apiserver
