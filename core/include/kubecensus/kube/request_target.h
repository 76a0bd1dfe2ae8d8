// A request in RBAC terms (verb, API group, resource, scope), so that a 401 or 403 can say
// exactly which permission is missing and which rule would grant it.
#pragma once

#include <string>

#include "kubecensus/kube/kube_client.h"

namespace kubecensus::kube {

struct RequestTarget {
  std::string verb;            // get, list
  std::string group;           // "" for the core API
  std::string resource;        // plural, with "/subresource" when there is one
  std::string name;            // for get of one object
  std::string ns;              // empty: cluster scope
  std::string nonResourceUrl;  // set instead of the above for /version, /api, /healthz ...
};

RequestTarget listTarget(const ApiResource& resource);
// Parses /api/v1/..., /apis/<group>/<version>/...; anything else is a non-resource URL.
RequestTarget getTarget(const std::string& path);

// "list deployments.apps at the cluster scope", "get pods \"x\" in namespace \"y\"", "get /version".
std::string describe(const RequestTarget& target);
// {apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"]}
std::string rbacRule(const RequestTarget& target);

}  // namespace kubecensus::kube
