// The legacy (unaggregated) discovery documents: /api, /apis, /apis/<group> and the
// APIResourceLists of /api/v1 and /apis/<group>/<version>. kubectl 1.32 asks /api and /apis
// for aggregated discovery (as=APIGroupDiscoveryList) first and falls back to these when
// the answer is a plain application/json APIVersions/APIGroupList.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "resource_catalog.h"

namespace kctest::apiserver {

class Discovery {
 public:
  explicit Discovery(const ResourceCatalog& catalog) : catalog_(catalog) {}

  // `serverAddress` is host:port as the client reached it.
  nlohmann::json apiVersions(const std::string& serverAddress) const;
  nlohmann::json apiGroupList() const;
  std::optional<nlohmann::json> apiGroup(const std::string& group) const;
  // Group "" is the core group. nullopt for an unknown group version.
  std::optional<nlohmann::json> apiResourceList(const std::string& group, const std::string& version) const;

 private:
  nlohmann::json groupDocument(const std::string& group) const;

  const ResourceCatalog& catalog_;
};

}  // namespace kctest::apiserver
