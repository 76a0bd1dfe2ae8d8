#include "rbac_check.h"

#include <ostream>

#include <nlohmann/json.hpp>

#include "kubecensus/agent/agent_runtime.h"
#include "kubecensus/app/startup.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/kube/request_target.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus::agent {
namespace {

// One item of a source's declared access: "list deployments.apps" or "get /version".
struct Permission {
  kube::RequestTarget target;

  static Permission parse(const std::string& item) {
    Permission p;
    auto space = item.find(' ');
    p.target.verb = item.substr(0, space);
    std::string what = space == std::string::npos ? "" : item.substr(space + 1);
    if (!what.empty() && what[0] == '/') {
      p.target.nonResourceUrl = what;
      return p;
    }
    auto dot = what.find('.');
    if (dot != std::string::npos) {
      p.target.group = what.substr(dot + 1);
      what = what.substr(0, dot);
    }
    p.target.resource = what;
    return p;
  }
  bool nonResource() const { return !target.nonResourceUrl.empty(); }
  std::string str() const {
    if (nonResource()) return target.verb + " " + target.nonResourceUrl;
    return target.verb + " " + target.resource + (target.group.empty() ? "" : "." + target.group);
  }
  std::string rule() const { return kube::rbacRule(target); }
  nlohmann::json review() const {
    nlohmann::json spec;
    if (nonResource())
      spec["nonResourceAttributes"] = {{"path", target.nonResourceUrl}, {"verb", target.verb}};
    else
      spec["resourceAttributes"] = {
          {"verb", target.verb}, {"group", target.group}, {"resource", target.resource}};
    return {{"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SelfSubjectAccessReview"}, {"spec", spec}};
  }
};

}  // namespace

int rbacCheck(AgentRuntime& runtime, std::ostream& out) {
  KubeClient* kube = runtime.kube();
  if (!kube) {
    out << "no Kubernetes access is configured (kubernetes.access, --kubeconfig): nothing to check\n";
    return kExitFailure;
  }
  bool allAllowed = true;
  for (const auto& [source, access] : runtime.sourceAccess()) {
    if (!access) continue;
    out << source << ":\n";
    std::string list = access;
    for (auto& c : list)
      if (c == ';') c = ',';
    for (const auto& item : splitList(list)) {
      Permission permission = Permission::parse(item);
      nlohmann::json answer;
      try {
        answer = kube->post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", permission.review());
      } catch (const KubeError& e) {
        out << "  " << permission.str() << ": cannot ask the API server: " << e.what() << "\n";
        return kExitFailure;
      }
      const bool allowed = answer.contains("status") && answer["status"].is_object() &&
                           answer["status"].value("allowed", false);
      allAllowed = allAllowed && allowed;
      out << "  " << (allowed ? "allowed  " : "MISSING  ") << permission.str();
      if (!allowed) out << "  -> this section will be left out; grant: " << permission.rule();
      out << "\n";
    }
  }
  out << (allAllowed ? "every enabled source has the access it needs\n"
                     : "some sections will be missing from the reports (see MISSING above)\n");
  return allAllowed ? kExitOk : kExitFailure;
}

}  // namespace kubecensus::agent
