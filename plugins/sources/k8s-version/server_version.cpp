#include "server_version.h"

#include "../k8s-common/list_errors.h"

namespace kubecensus::k8s {
namespace {

std::optional<std::string> nonEmptyString(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

ServerVersion readServerVersion(const nlohmann::json& info) {
  if (!info.is_object()) return {};
  return {nonEmptyString(info, "gitVersion"), nonEmptyString(info, "platform")};
}

void collectServerVersion(KubeApi& api, CollectContext& context, ReportBuilder& report) {
  ServerVersion version;
  try {
    version = readServerVersion(api.get("/version"));
  } catch (const KubeError& e) {
    logFailure(context, e);
    report.addError(getFailedMessage("/version", e, "master version"));
    return;
  }
  if (version.gitVersion) {
    report.setMasterVersion(*version.gitVersion);
  } else {
    report.addError("/version answered without a gitVersion, so the report has no master version");
  }
  if (version.platform) report.setMasterPlatform(*version.platform);
}

}  // namespace kubecensus::k8s
