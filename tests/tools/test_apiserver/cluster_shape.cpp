#include "cluster_shape.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace kctest::apiserver {

namespace {

const std::vector<std::string> kSystemNames{"kube-system", "default", "kube-public", "kube-node-lease"};
const std::vector<std::string> kTeams{"payments", "checkout", "search",  "billing", "identity", "ml",
                                      "data",     "platform", "mobile",  "ads",     "growth",   "infra",
                                      "ledger",   "catalog",  "support", "risk",    "media",    "orders"};
const std::vector<std::string> kEnvironments{"prod", "staging", "dev", "qa", "perf", "sandbox"};

}  // namespace

ClusterShape::ClusterShape(const Naming& naming, std::size_t namespaces,
                           const std::map<std::string, std::uint64_t>& namespacedCounts) {
  namespaces = std::max<std::size_t>(namespaces, 1);
  const std::int64_t clusterBirth = Naming::kReferenceTime - Naming::kTwoYears;
  for (std::size_t i = 0; i < namespaces; ++i) {
    if (i < kSystemNamespaces) {
      names_.push_back(kSystemNames[i]);
      created_.push_back(clusterBirth + static_cast<std::int64_t>(i));
      continue;
    }
    DeterministicRandom rng = naming.random(Stream::kNamespace, i);
    names_.push_back(
        naming.name({rng.pick(kTeams), rng.pick(kEnvironments), naming.tag(Stream::kNamespace, i)}));
    created_.push_back(clusterBirth + rng.between(3600, Naming::kTwoYears - 86400));
  }
  for (std::size_t i = 0; i < names_.size(); ++i) indexByName_.emplace(names_[i], i);

  // A seeded ranking of the namespaces; weight 1/(rank+1)^1.1 gives a few big ones.
  std::vector<std::size_t> byRank(namespaces);
  std::iota(byRank.begin(), byRank.end(), 0);
  DeterministicRandom shuffle = naming.random(Stream::kShape, 0);
  for (std::size_t i = namespaces; i > 1; --i) std::swap(byRank[i - 1], byRank[shuffle.below(i)]);
  std::vector<double> weight(namespaces);
  double totalWeight = 0;
  for (std::size_t rank = 0; rank < namespaces; ++rank) {
    weight[byRank[rank]] = 1.0 / std::pow(static_cast<double>(rank + 1), 1.1);
    totalWeight += weight[byRank[rank]];
  }

  for (const auto& [key, count] : namespacedCounts) {
    std::vector<std::uint64_t> perNamespace(namespaces);
    std::uint64_t assigned = 0;
    for (std::size_t ns = 0; ns < namespaces; ++ns) {
      perNamespace[ns] =
          static_cast<std::uint64_t>(std::floor(static_cast<double>(count) * weight[ns] / totalWeight));
      assigned += perNamespace[ns];
    }
    for (std::size_t rank = 0; assigned < count; rank = (rank + 1) % namespaces, ++assigned)
      ++perNamespace[byRank[rank]];
    std::vector<std::uint64_t> offsets(namespaces + 1, 0);
    for (std::size_t ns = 0; ns < namespaces; ++ns) offsets[ns + 1] = offsets[ns] + perNamespace[ns];
    offsets_[key] = std::move(offsets);
  }
}

std::optional<std::size_t> ClusterShape::namespaceIndex(const std::string& name) const {
  auto it = indexByName_.find(name);
  if (it == indexByName_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t ClusterShape::total(const std::string& key) const {
  auto it = offsets_.find(key);
  return it == offsets_.end() ? 0 : it->second.back();
}

std::pair<std::uint64_t, std::uint64_t> ClusterShape::range(const std::string& key, std::size_t ns) const {
  auto it = offsets_.find(key);
  if (it == offsets_.end()) return {0, 0};
  return {it->second[ns], it->second[ns + 1]};
}

std::size_t ClusterShape::namespaceOf(const std::string& key, std::uint64_t index) const {
  const auto& offsets = offsets_.at(key);
  // The last namespace whose first index is <= index (skipping empty ones).
  auto it = std::upper_bound(offsets.begin(), offsets.end(), index);
  if (it == offsets.begin() || it == offsets.end()) throw std::out_of_range("object index beyond " + key);
  return static_cast<std::size_t>(it - offsets.begin()) - 1;
}

}  // namespace kctest::apiserver
