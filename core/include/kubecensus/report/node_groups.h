// Node groups: nodes counted by their software configuration instead of listed one by one,
// with the distribution of each capacity resource over the group (docs/privacy.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus {

// A Kubernetes quantity ("4", "3800m", "15437428Ki", "1.5Gi", "2e3") in its base unit;
// nullopt when it is not one.
std::optional<double> parseQuantity(std::string_view text);

// Nearest-rank summary of values (which it sorts); all zero for none.
Distribution summarize(std::vector<double>& values);

class NodeGroupCounter {
 public:
  // Counts the node into the group of its seven software attributes (kNodeStringFields) and
  // keeps its capacity values (only numbers: a few bytes per node and resource).
  void add(const Node& node);
  void merge(const NodeGroupCounter& other);
  void clear() { groups_.clear(); }
  std::uint64_t total() const;

  // The groups, largest first. Groups of fewer than minGroupSize nodes are merged into one
  // group marked `other`, without attributes, listed last; its capacity is left out when it
  // too has fewer than minGroupSize nodes.
  std::vector<NodeGroup> groups(std::uint64_t minGroupSize) const;

 private:
  struct Members {
    std::uint64_t count = 0;
    std::map<std::string, std::vector<double>> capacity;  // resource -> one value per node
  };
  // Key: the seven attributes, each "\x01" (absent) or "\x02" + value, joined.
  std::map<std::string, Members> groups_;
};

}  // namespace kubecensus
