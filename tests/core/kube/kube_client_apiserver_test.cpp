// The client against the stand-in API server (tests/tools/test_apiserver) over HTTPS, configured
// from the kubeconfig it writes: paging, metadata-only lists and their fallback, expired continue
// tokens, RBAC refusals, bad credentials and client certificates.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "kube_test_support.h"
#include "kubecensus/kube/cluster_access.h"
#include "support/test_api_server.h"

using namespace kubecensus;
using namespace kctest;
using json = nlohmann::json;

namespace {

const ApiResource kNodes{"", "v1", "nodes"};
const ApiResource kPods{"", "v1", "pods"};
const ApiResource kDeployments{"apps", "v1", "deployments"};

KubeClientSettings settings(std::uint32_t pageSize) {
  KubeClientSettings s = fastSettings();
  s.pageSize = pageSize;
  return s;
}

std::size_t countOf(const std::vector<std::string>& lines, const std::string& text) {
  std::size_t n = 0;
  for (const auto& line : lines)
    if (line.find(text) != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("apiserver: a real node list, two per page, through the server's kubeconfig", "[apiserver]") {
  TestApiServer server({"--objects", TestApiServer::fixtureObjects(
                                         "nodes", "k8s/real/nodelist-kind-1.20-containerd-3nodes.json")});
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(2), log);
  std::vector<std::string> names;
  client.list(kNodes, {}, [&](const json& node) {
    names.push_back(node["metadata"]["name"]);
    CHECK(node["status"]["nodeInfo"]["containerRuntimeVersion"] == "containerd://1.4.0");
  });
  CHECK(names == std::vector<std::string>{"kind-control-plane", "kind-worker", "kind-worker2"});
  auto lines = server.accessLogLines();
  CHECK(countOf(lines, "/api/v1/nodes?limit=2\t") == 1);
  CHECK(countOf(lines, "/api/v1/nodes?limit=2&continue=") == 1);
  CHECK(client.get("/version").contains("gitVersion"));
}

TEST_CASE("apiserver: a generated cluster pages through 1200 pods", "[apiserver]") {
  TestApiServer server({"--generate", "nodes=3,pods=1200"});
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(500), log);
  std::set<std::string> uids;
  client.list(kPods, {}, [&](const json& pod) { uids.insert(pod["metadata"]["uid"].get<std::string>()); });
  CHECK(uids.size() >= 1200);
  CHECK(countOf(server.accessLogLines(), "/api/v1/pods?limit=500") == 3);
}

TEST_CASE("apiserver: metadata-only lists, and full objects from a server without them", "[apiserver]") {
  bool serverKnowsMetadataLists = GENERATE(true, false);
  std::vector<std::string> args{
      "--objects", TestApiServer::fixtureObjects("pods", "k8s/real/podlist-kind-1.20-kube-system.json")};
  if (!serverKnowsMetadataLists) args.push_back("--no-metadata-lists");
  TestApiServer server(args);
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(5), log);
  std::vector<std::string> names;
  std::size_t withSpec = 0;
  client.list(kPods, ListOptions{true}, [&](const json& pod) {
    names.push_back(pod["metadata"]["name"]);
    if (pod.contains("spec")) ++withSpec;
  });
  CHECK(names.size() == 14);
  CHECK(names.front() == "coredns-74ff55c5b-cpfqs");
  CHECK(withSpec == (serverKnowsMetadataLists ? 0u : 14u));
  CHECK(countOf(server.accessLogLines(), "as=PartialObjectMetadataList") == 3);
}

TEST_CASE("apiserver: expired continue tokens restart the list, three times at most", "[apiserver]") {
  SECTION("every token expired: an error") {
    TestApiServer server({"--generate", "nodes=5", "--continue-ttl", "0"});
    CapturingLogger log;
    KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(2), log);
    int restarts = 0;
    try {
      client.list(
          kNodes, {}, [](const json&) {}, [&] { ++restarts; });
      FAIL("no KubeError");
    } catch (const KubeError& e) {
      CHECK(e.status() == 410);
      CHECK_THAT(e.what(), Catch::Contains("LIST nodes: restarted 3 times"));
    }
    CHECK(restarts == 3);
  }
  SECTION("a token that expired while the first page was being read: one restart") {
    TestApiServer server({"--generate", "nodes=5", "--continue-ttl", "1"});
    CapturingLogger log;
    KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(3), log);
    std::size_t seen = 0;
    int restarts = 0;
    bool slowed = false;
    client.list(
        kNodes, {},
        [&](const json&) {
          ++seen;
          if (!slowed) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
          slowed = true;
        },
        [&] {
          seen = 0;
          ++restarts;
        });
    CHECK(restarts == 1);
    CHECK(seen == 5);
  }
}

TEST_CASE("apiserver: a forbidden resource names the RBAC rule and a wrong token is a 401", "[apiserver]") {
  TestApiServer server({"--generate", "nodes=1,deployments=3", "--forbid", "deployments"});
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(500), log);
  try {
    client.list(kDeployments, {}, [](const json&) {});
    FAIL("no KubeError");
  } catch (const KubeError& e) {
    CHECK(e.status() == 403);
    CHECK_THAT(e.what(),
               Catch::StartsWith("forbidden: cannot list deployments.apps at the cluster scope (HTTP 403). "
                                 "Grant it with an RBAC rule: {apiGroups: [\"apps\"], resources: "
                                 "[\"deployments\"], verbs: [\"list\"]}"));
  }

  ClusterAccess wrong = kubeconfigAccess({server.kubeconfig()});
  wrong.token = "not-the-token";
  KubeClient rejected(wrong, settings(500), log);
  try {
    rejected.get("/version");
    FAIL("no KubeError");
  } catch (const KubeError& e) {
    CHECK(e.status() == 401);
    CHECK_THAT(e.what(),
               Catch::Contains("the credentials of kubeconfig " + server.kubeconfig() + ", context"));
  }
}

TEST_CASE("apiserver: client certificates from a kubeconfig, CA from a file", "[apiserver]") {
  TestApiServerOptions options;
  options.args = {"--generate", "nodes=2"};
  options.acceptClientCertificates = true;
  TestApiServer server(options);
  TestApiServer::KubeconfigOptions kubeconfig;
  kubeconfig.embedCa = false;
  kubeconfig.token = false;
  kubeconfig.clientCertificate = true;
  std::string path = server.writeKubeconfig(server.directory() + "/client-cert.kubeconfig", kubeconfig);
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({path}), settings(500), log);
  std::size_t nodes = 0;
  client.list(kNodes, {}, [&](const json&) { ++nodes; });
  CHECK(nodes == 2);
}

TEST_CASE("apiserver: list pages that keep failing with 500 are retried, then reported", "[apiserver]") {
  TestApiServer server({"--generate", "nodes=5", "--fail-after-pages", "1"});
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), settings(2), log);
  std::size_t seen = 0;
  try {
    client.list(kNodes, {}, [&](const json&) { ++seen; });
    FAIL("no KubeError");
  } catch (const KubeError& e) {
    CHECK(e.status() == 500);
    CHECK_THAT(e.what(), Catch::Contains("gave up after 4 attempts"));
  }
  CHECK(seen == 2);
  CHECK(countOf(server.accessLogLines(), "\t500") == 4);
}
