#include "per_namespace_counter.h"

#include <algorithm>

namespace kubecensus::k8s {

std::uint64_t PerNamespaceCounter::hash(std::string_view ns) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : ns) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

Histogram PerNamespaceCounter::histogram() const {
  Histogram out;
  out.bounds.assign(kObjectsPerNamespaceBounds.begin(), kObjectsPerNamespaceBounds.end());
  out.counts.assign(kObjectsPerNamespaceBounds.size() + 1, 0);
  for (const auto& [ns, objects] : counts_) {
    // The first bound >= objects: a count equal to a bound belongs to the bucket it closes.
    auto bucket = std::lower_bound(kObjectsPerNamespaceBounds.begin(), kObjectsPerNamespaceBounds.end(),
                                   static_cast<std::int64_t>(objects));
    ++out.counts[static_cast<std::size_t>(bucket - kObjectsPerNamespaceBounds.begin())];
  }
  return out;
}

}  // namespace kubecensus::k8s
