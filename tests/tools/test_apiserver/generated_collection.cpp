#include "generated_collection.h"

namespace kctest::apiserver {

std::pair<std::uint64_t, std::uint64_t> GeneratedCollection::range(const std::string& ns) const {
  if (ns.empty() || !namespaced_) return {0, total_};
  auto index = shape_.namespaceIndex(ns);
  if (!index) return {0, 0};
  return shape_.range(key_, *index);
}

std::size_t GeneratedCollection::count(const std::string& ns) const {
  auto [first, last] = range(ns);
  return static_cast<std::size_t>(last - first);
}

nlohmann::json GeneratedCollection::at(const std::string& ns, std::size_t position) const {
  return objectOf_(range(ns).first + position);
}

nlohmann::json GeneratedCollection::metadataAt(const std::string& ns, std::size_t position) const {
  const std::uint64_t index = range(ns).first + position;
  return metadataOf_ ? metadataOf_(index) : objectOf_(index)["metadata"];
}

std::optional<nlohmann::json> GeneratedCollection::find(const std::string& ns,
                                                        const std::string& name) const {
  auto [first, last] = range(ns);
  for (std::uint64_t i = first; i < last; ++i)
    if (nameOf_(i) == name) return objectOf_(i);
  return std::nullopt;
}

}  // namespace kctest::apiserver
