#include "discovery.h"

namespace kctest::apiserver {

using nlohmann::json;

json Discovery::apiVersions(const std::string& serverAddress) const {
  return json{
      {"kind", "APIVersions"},
      {"versions", {"v1"}},
      {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

json Discovery::groupDocument(const std::string& group) const {
  const json version{{"groupVersion", group + "/v1"}, {"version", "v1"}};
  return json{{"name", group}, {"versions", {version}}, {"preferredVersion", version}};
}

json Discovery::apiGroupList() const {
  json groups = json::array();
  for (const auto& group : catalog_.groups()) groups.push_back(groupDocument(group));
  return json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> Discovery::apiGroup(const std::string& group) const {
  for (const auto& known : catalog_.groups()) {
    if (known != group) continue;
    json doc = groupDocument(group);
    doc["kind"] = "APIGroup";
    doc["apiVersion"] = "v1";
    return doc;
  }
  return std::nullopt;
}

std::optional<json> Discovery::apiResourceList(const std::string& group, const std::string& version) const {
  auto types = catalog_.inGroupVersion(group, version);
  if (types.empty()) return std::nullopt;
  json resources = json::array();
  for (const ResourceType* type : types) {
    json resource{{"name", type->plural},
                  {"singularName", type->singular},
                  {"namespaced", type->namespaced},
                  {"kind", type->kind},
                  {"verbs", type->verbs}};
    if (!type->shortNames.empty()) resource["shortNames"] = type->shortNames;
    if (type->namespaced) resource["categories"] = {"all"};
    resources.push_back(resource);
  }
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", resources}};
}

}  // namespace kctest::apiserver
