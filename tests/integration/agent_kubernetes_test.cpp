// kubecensus-agent reading a Kubernetes API (the stand-in server, over TLS with a bearer token)
// and delivering to a real collector: the whole path a cluster's report takes.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "collector_fixture.h"
#include "support/test_api_server.h"

using namespace kctest;
using nlohmann::json;

namespace {

json fixtureJson(const std::string& file) {
  std::ifstream in(fixturePath("k8s/real/" + file));
  return json::parse(in);
}

std::string kubeSystemUidInFixture() {
  const json list = fixtureJson("namespacelist-k3s-1.33.json");
  for (const auto& item : list["items"])
    if (item["metadata"]["name"] == "kube-system") return item["metadata"]["uid"];
  FAIL("the fixture has no kube-system namespace");
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

}  // namespace

TEST_CASE(
    "agent run once reports a Kubernetes cluster to the collector, under an ID derived from kube-system") {
  TestApiServer cluster(TestApiServer::recordedCluster());
  Collector collector;
  TempDir work;
  auto runOnce = [&](const std::string& stateDir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{
        "run",        "--once",        "--kubeconfig", cluster.kubeconfig(),
        "--database", collector.url(), "--set",        "agent.state_dir=" + work.file(stateDir)};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult result = runAgent(args);
    INFO(result.output);
    REQUIRE(result.exitCode == 0);
    return result;
  };

  runOnce("first");
  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  const StoredReport stored = rows[0];
  CHECK(stored.masterVersion == std::optional<std::string>("v1.33.4+k3s1"));
  CHECK(stored.nodeCount == 3);  // the recorded nodes; the agent's host is not a cluster node
  CHECK(std::regex_match(stored.clusterID, kUuid));
  CHECK(stored.clusterID[14] == '8');  // UUID version 8: derived, not random

  json report = json::parse(stored.report);
  CHECK(report["errors"].empty());
  CHECK(report["masterPlatform"] == "linux/amd64");
  CHECK(report["namespaces"]["count"] == 4);
  REQUIRE(report["workloads"].size() == 7);
  CHECK(report["workloads"][0]["kind"] == "pods");
  CHECK(report["workloads"][0]["total"] == 7);
  for (const auto& node : report["nodes"]) CHECK(node["kubeletVersion"] == "v1.20.0");

  // The raw cluster UID never leaves; a node's name neither.
  const std::string uid = kubeSystemUidInFixture();
  CHECK_FALSE(contains(stored.report, uid));
  CHECK_FALSE(contains(stored.report, "kind-control-plane"));

  // A reinstalled agent (fresh state) reports the same cluster; another product key another ID.
  runOnce("reinstalled");
  runOnce("other-product", {"--set", "kubernetes.cluster_id_key=another-product"});
  rows = collector.reports();
  REQUIRE(rows.size() == 3);
  CHECK(rows[1].clusterID == stored.clusterID);
  CHECK(rows[2].clusterID != stored.clusterID);
  CHECK(std::regex_match(rows[2].clusterID, kUuid));

  // Every request carried the token and went over the access log of the real server; each pass
  // looked for the opt-out ConfigMap, which this cluster does not have.
  const auto log = cluster.accessLogLines();
  CHECK_FALSE(log.empty());
  int optOutChecks = 0;
  for (const auto& line : log) {
    INFO(line);
    if (contains(line, "/api/v1/namespaces/kube-system/configmaps/kubecensus")) {
      ++optOutChecks;
      CHECK(contains(line, "\t404"));
    } else {
      CHECK(contains(line, "\t200"));
    }
  }
  CHECK(optOutChecks == 3);
}

TEST_CASE("without read access to kube-system the cluster ID is a random UUID kept in the agent's state") {
  TestApiServer cluster(TestApiServer::recordedCluster({"--forbid", "namespaces"}));
  Collector collector;
  TempDir work;
  const std::vector<std::string> args{
      "run",        "--once",        "--kubeconfig", cluster.kubeconfig(),
      "--database", collector.url(), "--set",        "agent.state_dir=" + work.file("state")};
  RunResult first = runAgent(args);
  INFO(first.output);
  REQUIRE(first.exitCode == 0);
  RunResult second = runAgent(args);
  REQUIRE(second.exitCode == 0);

  auto rows = collector.reports();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].clusterID == rows[1].clusterID);
  CHECK(std::regex_match(rows[0].clusterID, kUuid));
  CHECK(rows[0].clusterID[14] == '4');  // random
  CHECK(rows[0].nodeCount == 3);        // the rest of the report is there

  // The namespaces section is missing and says why, with the rule, without the server's words.
  json report = json::parse(rows[0].report);
  CHECK_FALSE(report.contains("namespaces"));
  bool named = false;
  for (const auto& error : report["errors"])
    if (contains(error["message"], "namespaces") && contains(error["message"], "verbs: [\"list\"]"))
      named = true;
  CHECK(named);
  // The errors the agent sent do not quote the API server (its address, its user names).
  CHECK_FALSE(contains(report["errors"].dump(), "127.0.0.1"));
  CHECK_FALSE(contains(report["errors"].dump(), "system:serviceaccount"));
}

TEST_CASE("rbac-check names the sections a missing permission leaves out and the rule for each") {
  SECTION("everything allowed") {
    TestApiServer cluster(TestApiServer::recordedCluster());
    RunResult result = runAgent({"rbac-check", "--kubeconfig", cluster.kubeconfig()});
    INFO(result.output);
    CHECK(result.exitCode == 0);
    CHECK(contains(result.output, "allowed  list nodes"));
    CHECK(contains(result.output, "allowed  list deployments.apps"));
    CHECK(contains(result.output, "every enabled source has the access it needs"));
    CHECK_FALSE(contains(result.output, "MISSING"));
  }
  SECTION("pods and jobs forbidden") {
    TestApiServer cluster(TestApiServer::recordedCluster({"--forbid", "pods", "--forbid", "jobs.batch"}));
    RunResult result = runAgent({"rbac-check", "--kubeconfig", cluster.kubeconfig()});
    INFO(result.output);
    CHECK(result.exitCode == 1);
    CHECK(contains(result.output,
                   "MISSING  list pods  -> this section will be left out; grant: {apiGroups: [\"\"], "
                   "resources: [\"pods\"], verbs: [\"list\"]}"));
    CHECK(contains(result.output, "MISSING  list jobs.batch"));
    CHECK(contains(result.output, "allowed  list nodes"));
    CHECK(contains(result.output, "some sections will be missing"));
  }
  SECTION("no cluster configured") {
    RunResult result = runAgent({"rbac-check", "--set", "kubernetes.access=none"});
    CHECK(result.exitCode == 1);
    CHECK(contains(result.output, "no Kubernetes access is configured"));
  }
}

TEST_CASE("a kubeconfig naming a context that does not exist stops the agent with exit 1 naming it") {
  TestApiServer cluster(TestApiServer::recordedCluster());
  RunResult result = runAgent({"run", "--once", "--kubeconfig", cluster.kubeconfig(), "--context", "nowhere",
                               "--database", "stdout:"});
  INFO(result.output);
  CHECK(result.exitCode == 1);
  CHECK(contains(result.output, "nowhere"));
}
