#include "rbac_check.h"

#include <ostream>

#include <nlohmann/json.hpp>

#include "agent_runtime.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus::agent {
namespace {

// One item of a source's declared access: "list deployments.apps" or "get /version".
struct Permission {
  std::string verb;
  std::string resource;  // plural, or a non-resource path starting with '/'
  std::string group;

  static Permission parse(const std::string& item) {
    Permission p;
    auto space = item.find(' ');
    p.verb = item.substr(0, space);
    std::string target = space == std::string::npos ? "" : item.substr(space + 1);
    auto dot = target.find('.');
    if (!target.empty() && target[0] != '/' && dot != std::string::npos) {
      p.group = target.substr(dot + 1);
      target = target.substr(0, dot);
    }
    p.resource = target;
    return p;
  }
  bool nonResource() const { return !resource.empty() && resource[0] == '/'; }
  std::string str() const { return verb + " " + resource + (group.empty() ? "" : "." + group); }
  std::string rule() const {
    if (nonResource()) return "{nonResourceURLs: [\"" + resource + "\"], verbs: [\"" + verb + "\"]}";
    return "{apiGroups: [\"" + group + "\"], resources: [\"" + resource + "\"], verbs: [\"" + verb + "\"]}";
  }
  nlohmann::json review() const {
    nlohmann::json spec;
    if (nonResource())
      spec["nonResourceAttributes"] = {{"path", resource}, {"verb", verb}};
    else
      spec["resourceAttributes"] = {{"verb", verb}, {"group", group}, {"resource", resource}};
    return {{"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SelfSubjectAccessReview"}, {"spec", spec}};
  }
};

}  // namespace

int rbacCheck(AgentRuntime& runtime, std::ostream& out) {
  KubeClient* kube = runtime.kube();
  if (!kube) {
    out << "no Kubernetes access is configured (kubernetes.access, --kubeconfig): nothing to check\n";
    return 1;
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
        return 1;
      }
      bool allowed = answer.contains("status") && answer["status"].value("allowed", false);
      allAllowed = allAllowed && allowed;
      out << "  " << (allowed ? "allowed  " : "MISSING  ") << permission.str();
      if (!allowed) out << "  -> this section will be left out; grant: " << permission.rule();
      out << "\n";
    }
  }
  out << (allAllowed ? "every enabled source has the access it needs\n"
                     : "some sections will be missing from the reports (see MISSING above)\n");
  return allAllowed ? 0 : 1;
}

}  // namespace kubecensus::agent
