// The realism check: the real kubectl (/usr/bin/kubectl) pointed at kubecensus-test-apiserver
// with a kubeconfig the helper wrote. On these machines /usr/bin/kubectl is the Google Cloud
// SDK dispatcher: it asks /version first and runs the kubectl.1.XX matching the server's minor
// version (1.27-1.33), or its own 1.32 otherwise, so every command costs one extra /version.
#include <catch2/catch.hpp>

#include <filesystem>

#include "api_client.h"

using namespace kctest;

namespace {

const std::string kKindNodes = "k8s/real/nodelist-kind-1.20-containerd-3nodes.json";
const std::string kKurlNamespaces = "k8s/real/namespacelist-kurl-1.23-9ns.json";

// The machine image has it (TESTING.md); without it this realism check cannot run.
bool haveKubectl() {
  return std::filesystem::exists("/usr/bin/kubectl");
}

std::vector<std::string> names(const std::string& file) {
  std::vector<std::string> out;
  json doc = json::parse(fixture(file));
  for (const auto& item : doc.is_array() ? doc : doc["items"]) out.push_back(item["metadata"]["name"]);
  return out;
}

}  // namespace

TEST_CASE("test apiserver: kubectl get nodes, get namespaces and version work against fixtures") {
  REQUIRE(haveKubectl());
  TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes), "--objects",
                        TestApiServer::fixtureObjects("namespaces", kKurlNamespaces), "--version-file",
                        fixturePath("k8s/real/version-kind-1.33.1-arm64-troubleshoot-wrapped.json")});

  RunResult nodes = kubectl(server, {"get", "nodes"});
  INFO(nodes.output);
  CHECK(nodes.exitCode == 0);
  CHECK(contains(nodes.output, "NAME"));
  for (const auto& name : names(kKindNodes)) CHECK(contains(nodes.output, name));
  CHECK(contains(nodes.output, "control-plane,master"));

  RunResult namespaces = kubectl(server, {"get", "namespaces"});
  INFO(namespaces.output);
  CHECK(namespaces.exitCode == 0);
  for (const auto& name : names(kKurlNamespaces)) CHECK(contains(namespaces.output, name));

  RunResult version = kubectl(server, {"version"});
  INFO(version.output);
  CHECK(version.exitCode == 0);
  CHECK(contains(version.output, "Server Version: v1.33.1"));

  RunResult single =
      kubectl(server, {"get", "node", "kind-worker2", "-o", "jsonpath={.status.nodeInfo.kubeletVersion}"});
  CHECK(single.exitCode == 0);
  CHECK(contains(single.output, "v1.20.0"));

  // kubectl asked for Tables, and found the server through discovery.
  const std::string log = server.accessLog();
  INFO(log);
  CHECK(contains(log,
                 "GET\t/api/v1/nodes?limit=500&timeout=20s\tapplication/json;as=Table;v=v1;g=meta.k8s.io"));
  CHECK(contains(log, "GET\t/api?timeout=20s\t"));
  CHECK(contains(log, "GET\t/api/v1?timeout=20s\t"));
}

TEST_CASE("test apiserver: kubectl reads the array and kubectl-List fixtures too") {
  REQUIRE(haveKubectl());
  for (const std::string file : {"k8s/real/nodes-array-aws-selfmanaged-1.7.2-docker-3nodes.json",
                                 "k8s/real/nodelist-gke-1.30-cos-containerd-gpu-4nodes-kubectl-List.json"}) {
    TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", file)});
    RunResult nodes = kubectl(server, {"get", "nodes", "-o", "wide"});
    INFO(file << "\n" << nodes.output);
    CHECK(nodes.exitCode == 0);
    for (const auto& name : names(file)) CHECK(contains(nodes.output, name));
  }
}

TEST_CASE("test apiserver: kubectl pages through a generated cluster with continue") {
  REQUIRE(haveKubectl());
  TestApiServer server({"--generate", "nodes=25,namespaces=6,pods=120,deployments=15", "--seed", "3"});
  ApiClient client(server);
  json nodeList = client.get("/api/v1/nodes").document();

  RunResult nodes = kubectl(server, {"get", "nodes", "--chunk-size=10"});
  INFO(nodes.output);
  CHECK(nodes.exitCode == 0);
  for (const auto& name : itemNames(nodeList)) CHECK(contains(nodes.output, name));
  int continued = 0;
  for (const auto& line : server.accessLogLines())
    if (contains(line, "/api/v1/nodes?continue=") || contains(line, "&continue=")) ++continued;
  CHECK(continued == 2);

  RunResult pods = kubectl(server, {"get", "pods", "-A", "--no-headers", "--chunk-size=50"});
  CHECK(pods.exitCode == 0);
  CHECK(std::count(pods.output.begin(), pods.output.end(), '\n') == 120);
  RunResult deployments = kubectl(server, {"get", "deployments.apps", "-A", "-o", "name"});
  CHECK(deployments.exitCode == 0);
  CHECK(std::count(deployments.output.begin(), deployments.output.end(), '\n') == 15);
}

TEST_CASE("test apiserver: kubectl auth can-i follows --forbid, and kubectl get shows the 403") {
  REQUIRE(haveKubectl());
  TestApiServer server(
      {"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes), "--forbid", "nodes"});
  RunResult allowed = kubectl(server, {"auth", "can-i", "list", "pods", "-n", "kube-system"});
  CHECK(allowed.exitCode == 0);
  CHECK(contains(allowed.output, "yes"));
  RunResult denied = kubectl(server, {"auth", "can-i", "list", "nodes"});
  CHECK(denied.exitCode != 0);
  CHECK(contains(denied.output, "no"));
  RunResult get = kubectl(server, {"get", "nodes"});
  CHECK(get.exitCode != 0);
  CHECK(contains(get.output, "Forbidden"));
}

TEST_CASE("test apiserver: kubectl with a CA file and a client certificate instead of a token") {
  REQUIRE(haveKubectl());
  TestApiServerOptions options;
  options.args = {"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes)};
  options.acceptClientCertificates = true;
  TestApiServer server(options);
  const std::string config = server.writeKubeconfig(
      server.directory() + "/kubeconfig-cert", {.embedCa = false, .token = false, .clientCertificate = true});
  RunResult nodes = kubectl(server, {"get", "nodes"}, config);
  INFO(nodes.output);
  CHECK(nodes.exitCode == 0);
  CHECK(contains(nodes.output, "kind-worker2"));

  const std::string anonymous = server.writeKubeconfig(
      server.directory() + "/kubeconfig-none", {.embedCa = true, .token = false, .clientCertificate = false});
  RunResult refused = kubectl(server, {"get", "nodes"}, anonymous);
  INFO(refused.output);
  CHECK(refused.exitCode != 0);
  // A kubeconfig user without credentials makes kubectl ask for a username after the 401.
  CHECK((contains(refused.output, "Unauthorized") || contains(refused.output, "Please enter Username")));
  CHECK(contains(server.accessLog(), "\t401\n"));
}
