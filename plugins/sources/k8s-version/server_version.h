// The API server's version (GET /version): Spartakus' masterVersion, and the platform.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "../k8s-common/kube_api.h"
#include "kubecensus/plugin/source.h"

namespace kubecensus::k8s {

struct ServerVersion {
  std::optional<std::string> gitVersion;  // "v1.33.4+k3s1"
  std::optional<std::string> platform;    // "linux/arm64"
};

// The two fields of a version.Info object; a field that is missing, empty or not a string is
// absent. Nothing else of the answer (commit, build date, compiler) is kept.
ServerVersion readServerVersion(const nlohmann::json& info);

// GET /version into masterVersion and masterPlatform; a failed request or an answer without a
// gitVersion is recorded in the report's errors.
void collectServerVersion(KubeApi& api, CollectContext& context, ReportBuilder& report);

}  // namespace kubecensus::k8s
