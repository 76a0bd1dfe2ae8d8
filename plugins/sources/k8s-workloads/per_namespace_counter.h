// How objects of one kind spread over namespaces, counted while a list streams: namespaces
// by how many objects they hold, in fixed buckets.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "kubecensus/report/report.h"

namespace kubecensus::k8s {

// Upper bounds of the objects-per-namespace buckets (a namespace with 3 objects counts in
// (2, 5]). Fixed, so reports from different clusters can be added up.
inline constexpr std::array<std::int64_t, 10> kObjectsPerNamespaceBounds{1,  2,   5,   10,  20,
                                                                         50, 100, 200, 500, 1000};

class PerNamespaceCounter {
 public:
  void add(std::string_view ns) { ++counts_[hash(ns)]; }
  void reset() { counts_.clear(); }
  std::size_t namespaces() const { return counts_.size(); }
  // Namespaces that hold at least one object, by how many they hold.
  Histogram histogram() const;

  // FNV-1a, 64 bits. Only this hash of a namespace's name is kept, never the name: memory is
  // 16 bytes per namespace whatever the names, and no name can end up in a report. Two names
  // colliding among 10,000 namespaces has a chance of about 3 in 10^12.
  static std::uint64_t hash(std::string_view ns);

 private:
  std::unordered_map<std::uint64_t, std::uint64_t> counts_;  // hash(namespace) -> objects
};

}  // namespace kubecensus::k8s
