#include "synthetic_cluster.h"

#include "generated_collection.h"

namespace kctest::apiserver {

namespace {

std::uint64_t countOf(const std::map<std::string, std::uint64_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

std::map<std::string, std::uint64_t> namespacedOnly(const std::map<std::string, std::uint64_t>& counts) {
  ResourceCatalog catalog;
  std::map<std::string, std::uint64_t> out;
  for (const auto& [key, count] : counts) {
    const ResourceType* type = catalog.byKey(key);
    if (type && type->namespaced) out[type->key()] = count;
  }
  return out;
}

}  // namespace

SyntheticCluster::SyntheticCluster(const std::map<std::string, std::uint64_t>& counts, std::uint64_t seed,
                                   std::string canary)
    : naming_(seed, std::move(canary)),
      shape_(naming_, static_cast<std::size_t>(countOf(counts, "namespaces")), namespacedOnly(counts)),
      nodes_(naming_, countOf(counts, "nodes")),
      namespaces_(naming_, shape_),
      workloads_(naming_, shape_, nodes_) {}

std::unique_ptr<ObjectCollection> SyntheticCluster::collection(const ResourceType& type) const {
  const std::string key = type.key();
  if (key == "namespaces") {
    return std::make_unique<GeneratedCollection>(
        shape_, key, false, shape_.namespaceCount(),
        [this](std::uint64_t i) { return shape_.namespaceName(i); },
        [this](std::uint64_t i) { return namespaces_.object(i); });
  }
  if (key == "nodes") {
    return std::make_unique<GeneratedCollection>(
        shape_, key, false, nodes_.count(), [this](std::uint64_t i) { return nodes_.name(i); },
        [this](std::uint64_t i) { return nodes_.object(i); });
  }
  const ResourceType* t = &type;
  return std::make_unique<GeneratedCollection>(
      shape_, key, true, shape_.total(key), [this, t](std::uint64_t i) { return workloads_.name(*t, i); },
      [this, t](std::uint64_t i) { return workloads_.object(*t, i); },
      [this, t](std::uint64_t i) { return workloads_.metadata(*t, i); });
}

}  // namespace kctest::apiserver
