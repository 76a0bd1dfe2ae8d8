// packaging/kubernetes: the agent's RBAC rules against the calls the agent really makes. The
// agent runs one pass with its default sources against the test API server; every request in
// the server's access log must be allowed by the shipped ClusterRole/Role, and every rule must
// be used by some request (least privilege: nothing granted that is not needed).
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "collector_fixture.h"
#include "support/test_api_server.h"

using namespace kctest;

namespace {

struct Rule {
  std::string namespaceName;  // a Role's namespace; empty for a ClusterRole
  std::set<std::string> groups, resources, verbs, names, urls;
};

std::set<std::string> stringsOf(const YAML::Node& node) {
  std::set<std::string> out;
  if (node)
    for (const auto& item : node) out.insert(item.as<std::string>());
  return out;
}

std::vector<Rule> shippedRules() {
  std::vector<Rule> rules;
  for (const YAML::Node& doc :
       YAML::LoadAllFromFile(std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/kubernetes/agent/rbac.yaml")) {
    const std::string kind = doc["kind"].as<std::string>();
    if (kind != "ClusterRole" && kind != "Role") continue;
    for (const YAML::Node& rule : doc["rules"]) {
      rules.push_back({kind == "Role" ? doc["metadata"]["namespace"].as<std::string>() : "",
                       stringsOf(rule["apiGroups"]), stringsOf(rule["resources"]), stringsOf(rule["verbs"]),
                       stringsOf(rule["resourceNames"]), stringsOf(rule["nonResourceURLs"])});
    }
  }
  return rules;
}

// One request as RBAC sees it.
struct Call {
  std::string verb, group, resource, namespaceName, name, url;
  std::string str() const {
    return url.empty()
               ? verb + " " + resource + (group.empty() ? "" : "." + group) +
                     (namespaceName.empty() ? "" : " in " + namespaceName) + (name.empty() ? "" : " " + name)
               : verb + " " + url;
  }
};

Call callOf(const std::string& method, std::string path) {
  path = path.substr(0, path.find('?'));
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');)
    if (!part.empty()) parts.push_back(part);
  Call call;
  const bool core = !parts.empty() && parts[0] == "api";
  const std::size_t first = core ? 2 : 3;  // after /api/v1 or /apis/<group>/<version>
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis") || parts.size() <= first) {
    call.verb = method == "GET" ? "get" : method;
    call.url = path;  // /version, discovery
    return call;
  }
  call.group = core ? "" : parts[1];
  std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(first), parts.end());
  if (rest.size() >= 3 && rest[0] == "namespaces") {  // namespaced: namespaces/<ns>/<resource>[/<name>]
    call.namespaceName = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  call.resource = rest[0];
  if (rest.size() > 1) call.name = rest[1];
  call.verb = method == "POST" ? "create" : call.name.empty() ? "list" : "get";
  return call;
}

bool allows(const Rule& rule, const Call& call) {
  if (!rule.verbs.count(call.verb)) return false;
  if (!call.url.empty()) return rule.urls.count(call.url) > 0;
  if (!rule.namespaceName.empty() && rule.namespaceName != call.namespaceName) return false;
  return rule.groups.count(call.group) && rule.resources.count(call.resource) &&
         (rule.names.empty() || rule.names.count(call.name));
}

}  // namespace

TEST_CASE("kubernetes manifests: the agent's RBAC allows every call it makes, and nothing more",
          "[packaging]") {
  auto objects = [](const std::string& resource, const std::string& file) {
    return TestApiServer::fixtureObjects(resource, "k8s/real/" + file);
  };
  TestApiServer cluster({"--objects", objects("nodes", "nodelist-kind-1.20-containerd-3nodes.json"),
                         "--objects", objects("namespaces", "namespacelist-k3s-1.33.json"), "--objects",
                         objects("pods", "podlist-k3s-1.33-kube-system.json"), "--objects",
                         objects("deployments", "deploymentlist-k3s-1.33-kube-system.json"), "--version-file",
                         fixturePath("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json")});
  TempDir work;
  RunResult pass = runAgent({"run", "--once", "--kubeconfig", cluster.kubeconfig(), "--database", "stdout",
                             "--set", "agent.state_dir=" + work.file("state")});
  INFO(pass.output);
  REQUIRE(pass.exitCode == 0);

  const std::vector<Rule> rules = shippedRules();
  REQUIRE(rules.size() >= 5);
  std::vector<bool> used(rules.size(), false);
  std::set<std::string> seen;
  for (const std::string& line : cluster.accessLogLines()) {
    std::stringstream fields(line);
    std::string method, path;
    std::getline(fields, method, '\t');
    std::getline(fields, path, '\t');
    const Call call = callOf(method, path);
    seen.insert(call.str());
    bool allowed = false;
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (allows(rules[i], call)) used[i] = allowed = true;
    INFO(line << " -> " << call.str());
    CHECK(allowed);
  }
  // Each resource and verb of each rule is needed by some call of this pass.
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    for (const auto& verb : rule.verbs) {
      for (const auto& resource : rule.resources) {
        bool needed = false;
        for (const auto& group : rule.groups)
          for (const std::string& call : seen)
            needed = needed || call.rfind(verb + " " + resource + (group.empty() ? "" : "." + group), 0) == 0;
        INFO("rule " << i << ": " << verb << " " << resource << "; calls seen:\n"
                     << [&] {
                          std::string all;
                          for (const auto& c : seen) all += "  " + c + "\n";
                          return all;
                        }());
        CHECK(needed);
      }
      for (const auto& url : rule.urls) CHECK(seen.count(verb + " " + url));
    }
  }
}

namespace {

// Every document of the kustomization's resources (a flat kustomization: files only).
std::vector<YAML::Node> kustomized(const std::string& dir) {
  const std::string root = std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/kubernetes/" + dir + "/";
  std::vector<YAML::Node> docs;
  for (const YAML::Node& file : YAML::LoadFile(root + "kustomization.yaml")["resources"])
    for (const YAML::Node& doc : YAML::LoadAllFromFile(root + file.as<std::string>())) docs.push_back(doc);
  return docs;
}

YAML::Node findKind(const std::vector<YAML::Node>& docs, const std::string& kind) {
  for (const YAML::Node& doc : docs)
    if (doc["kind"].as<std::string>() == kind) return doc;
  FAIL("no " << kind);
  return {};
}

}  // namespace

TEST_CASE("kubernetes manifests: locked-down pods with resources, and configs the binaries accept",
          "[packaging]") {
  TempDir work;
  for (const std::string component : {"agent", "collector"}) {
    INFO(component);
    const std::vector<YAML::Node> docs = kustomized(component);
    const YAML::Node pod = findKind(docs, "Deployment")["spec"]["template"]["spec"];
    CHECK(pod["securityContext"]["runAsNonRoot"].as<bool>());
    CHECK(pod["securityContext"]["runAsUser"].as<int>() != 0);
    CHECK(pod["securityContext"]["seccompProfile"]["type"].as<std::string>() == "RuntimeDefault");
    const YAML::Node container = pod["containers"][0];
    CHECK_FALSE(container["securityContext"]["allowPrivilegeEscalation"].as<bool>());
    CHECK(container["securityContext"]["readOnlyRootFilesystem"].as<bool>());
    CHECK(container["securityContext"]["capabilities"]["drop"][0].as<std::string>() == "ALL");
    for (const char* kind : {"requests", "limits"})
      for (const char* resource : {"cpu", "memory"}) CHECK(container["resources"][kind][resource]);

    // The configuration in the ConfigMap, as the pod would read it, through --check-config.
    const YAML::Node data = findKind(docs, "ConfigMap")["data"];
    const std::string file = component + ".yaml";
    std::string config = data[file].as<std::string>();
    const std::string secret = work.file("dsn");
    std::ofstream(secret) << "postgres://kubecensus@127.0.0.1:1/kubecensus";
    const std::string mounted = "/etc/kubecensus/secret/dsn";
    if (auto at = config.find(mounted); at != std::string::npos) config.replace(at, mounted.size(), secret);
    const std::string path = work.file(file);
    std::ofstream(path) << config;
    RunResult checked =
        run(component == "agent" ? agentBinary() : collectorBinary(), {"--check-config", "--config", path},
            {{"COLLECTOR_URL", "https://census.example.com"}});
    INFO(config << "\n" << checked.output);
    CHECK(checked.exitCode == 0);
  }
  // Namespaces are written in the objects, not set by the kustomization (which would move the
  // opt-out Role out of kube-system, where the ConfigMap it grants is).
  for (const std::string component : {"agent", "collector"}) {
    const YAML::Node kustomization = YAML::LoadFile(
        std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/kubernetes/" + component + "/kustomization.yaml");
    CHECK_FALSE(kustomization["namespace"]);
    for (const YAML::Node& doc : kustomized(component)) {
      const std::string kind = doc["kind"].as<std::string>();
      if (kind == "Namespace" || kind == "ClusterRole" || kind == "ClusterRoleBinding") continue;
      INFO(component << " " << kind << " " << doc["metadata"]["name"].as<std::string>());
      REQUIRE(doc["metadata"]["namespace"]);
      CHECK(doc["metadata"]["namespace"].as<std::string>() ==
            (kind.rfind("Role", 0) == 0 ? "kube-system" : "kubecensus"));
    }
  }
  const YAML::Node collector = findKind(kustomized("collector"), "Deployment")["spec"]["template"]["spec"];
  CHECK(collector["containers"][0]["readinessProbe"]["httpGet"]["path"].as<std::string>() == "/readyz");
  // Liveness must not depend on the database: /version answers whatever PostgreSQL does.
  CHECK(collector["containers"][0]["livenessProbe"]["httpGet"]["path"].as<std::string>() == "/version");
  CHECK(collector["containers"][0]["startupProbe"]["httpGet"]["path"].as<std::string>() == "/version");
}

TEST_CASE("kubernetes manifests: the collector trusts no proxy's X-Forwarded-For by default", "[packaging]") {
  // A trusted range lets every peer in it choose its receivedFrom and rate-limit bucket, so
  // the shipped config names none; the comment beside it shows how to add the ingress's.
  const YAML::Node config =
      YAML::Load(findKind(kustomized("collector"), "ConfigMap")["data"]["collector.yaml"].as<std::string>());
  const YAML::Node proxies = config["collector"]["trusted_proxies"];
  INFO(YAML::Dump(proxies));
  CHECK((!proxies || (proxies.IsSequence() && proxies.size() == 0)));
}
