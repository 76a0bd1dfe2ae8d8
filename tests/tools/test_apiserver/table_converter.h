// meta.k8s.io Table rows for `kubectl get`: the columns kube-apiserver prints for nodes,
// namespaces, pods, services and the workload controllers (a subset of the wide ones), with
// AGE computed from creationTimestamp at request time, worded like Go's HumanDuration.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "resource_catalog.h"

namespace kctest::apiserver {

class TableConverter {
 public:
  static nlohmann::json columnDefinitions(const ResourceType& type);
  static nlohmann::json cells(const ResourceType& type, const nlohmann::json& object, std::int64_t now);
  // "45s", "3m20s", "5h", "12d", "2y31d", as kubectl prints ages.
  static std::string humanDuration(std::int64_t seconds);
};

}  // namespace kctest::apiserver
