// The four k8s-* source plugins, loaded from the build tree as the agent loads them, reading the
// stand-in API server (tests/tools/test_apiserver) over HTTPS through a real KubeClient:
// recorded objects, RBAC refusals, a failing server and a generated cluster with a canary.
#include <catch2/catch.hpp>
#include <fstream>

#include "../../plugins/sources/k8s-nodes/node_summarizer.h"
#include "k8s_test_support.h"
#include "kubecensus/kube/cluster_access.h"
#include "kubecensus/kube/kube_client.h"
#include "support/test_api_server.h"

using namespace kubecensus;
using kctest::TestApiServer;
using nlohmann::json;

namespace {

const char* const kSources[] = {"k8s-version", "k8s-nodes", "k8s-namespaces", "k8s-workloads"};

KubeClientSettings fastSettings(std::uint32_t pageSize) {
  KubeClientSettings s;
  s.connectTimeout = std::chrono::milliseconds(5000);
  s.readTimeout = std::chrono::milliseconds(10000);
  s.maxAttempts = 2;
  s.maxBackoff = std::chrono::milliseconds(5);
  s.pageSize = pageSize;
  return s;
}

// Every k8s source collects once through `server`, as the agent's pass would.
Report collectAll(const TestApiServer& server, std::uint32_t pageSize,
                  const std::map<std::string, std::string>& nodeOptions = {}) {
  kctest::CapturingLogger log;
  KubeClient client(kubeconfigAccess({server.kubeconfig()}), fastSettings(pageSize), log);
  Report report;
  report.reportID = "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77";
  report.clusterID = "c1";
  for (const char* name : kSources) {
    auto source = kctest::makePlugin<Source>(
        name, std::string(name) == "k8s-nodes" ? nodeOptions : std::map<std::string, std::string>{});
    kctest::TestCollectContext context;
    context.kubeClient = &client;
    context.clock = kctest::at("2025-09-11T21:40:04Z");
    ReportBuilder builder(report, std::string("source.") + name);
    source->collect(context, builder);
  }
  return report;
}

std::string objects(const std::string& resource, const std::string& file) {
  return TestApiServer::fixtureObjects(resource, "k8s/real/" + file);
}

std::vector<std::string> recordedCluster() {
  return {"--objects",      objects("nodes", "nodelist-kind-1.20-containerd-3nodes.json"),
          "--objects",      objects("namespaces", "namespacelist-k3s-1.33.json"),
          "--objects",      objects("pods", "podlist-k3s-1.33-kube-system.json"),
          "--objects",      objects("services", "servicelist-k3s-1.33-kube-system.json"),
          "--objects",      objects("deployments", "deploymentlist-k3s-1.33-kube-system.json"),
          "--version-file", kctest::fixturePath("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json")};
}

std::size_t linesWith(const std::vector<std::string>& lines, const std::string& a,
                      const std::string& b = "") {
  std::size_t n = 0;
  for (const auto& line : lines)
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("k8s sources through the API server: recorded objects, two per page", "[plugins][k8s][apiserver]") {
  TestApiServer server(recordedCluster());
  const Report report = collectAll(server, 2);
  CHECK(report.errors.empty());
  CHECK(report.masterVersion == "v1.33.4+k3s1");
  CHECK(report.masterPlatform == "linux/amd64");

  // The nodes are what the summarizer makes of the recorded objects, keyed IDs included.
  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(k8s::NodeIdMode::Keyed, context);
  std::vector<Node> expected;
  for (const auto& item : kctest::realItems("nodelist-kind-1.20-containerd-3nodes.json"))
    expected.push_back(summarizer.summarize(item));
  CHECK(report.nodes == expected);

  REQUIRE(report.namespaces.has_value());
  CHECK(report.namespaces->count == 4);
  REQUIRE(report.workloads.size() == 7);
  CHECK(report.workloads[0].kind == "pods");
  CHECK(report.workloads[0].total == 7);
  CHECK(report.workloads[0].ages->ageSeconds.counts == std::vector<std::uint64_t>{4, 3, 0, 0, 0, 0, 0, 0, 0});
  CHECK(report.workloads[0].phases[1] == CountByName{"Running", 5});
  CHECK(report.workloads[1].total == 3);
  CHECK(report.workloads[2].total == 4);
  for (std::size_t i = 3; i < 7; ++i) CHECK(report.workloads[i].total == 0);
  CHECK(fromNativeJson(toNativeJson(report)) == report);

  // Metadata-only lists for everything but nodes and pods, whose fields are in status.
  const auto log = server.accessLogLines();
  CHECK(linesWith(log, "/api/v1/nodes?", "PartialObjectMetadataList") == 0);
  CHECK(linesWith(log, "/api/v1/pods?", "PartialObjectMetadataList") == 0);
  CHECK(linesWith(log, "/api/v1/namespaces?", "PartialObjectMetadataList") == 2);  // 4 namespaces, 2 pages
  CHECK(linesWith(log, "/apis/apps/v1/deployments?", "PartialObjectMetadataList") == 2);
  CHECK(linesWith(log, "/apis/batch/v1/cronjobs?", "PartialObjectMetadataList") == 1);
}

TEST_CASE("k8s sources through the API server: Spartakus-compatible node IDs", "[plugins][k8s][apiserver]") {
  TestApiServer server(recordedCluster());
  const Report report = collectAll(server, 500, {{"node_id", "spartakus-compat"}});
  const auto items = kctest::realItems("nodelist-kind-1.20-containerd-3nodes.json");
  REQUIRE(report.nodes.size() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& info = items[i]["status"]["nodeInfo"];
    CHECK(report.nodes[i].id ==
          k8s::spartakusNodeId(items[i]["metadata"]["name"].get<std::string>() +
                               info["machineID"].get<std::string>() + info["systemUUID"].get<std::string>()));
  }
}

TEST_CASE("k8s sources through the API server: RBAC refusals leave out only their sections",
          "[plugins][k8s][apiserver]") {
  std::vector<std::string> args = recordedCluster();
  for (const char* forbidden : {"nodes", "deployments", "cronjobs"}) {
    args.push_back("--forbid");
    args.push_back(forbidden);
  }
  TestApiServer server(args);
  const Report report = collectAll(server, 500);
  CHECK(report.nodes.empty());
  CHECK(report.masterVersion == "v1.33.4+k3s1");
  CHECK(report.namespaces.has_value());
  std::vector<std::string> kinds;
  for (const auto& w : report.workloads) kinds.push_back(w.kind);
  CHECK(kinds == std::vector<std::string>{"pods", "services", "statefulsets", "daemonsets", "jobs"});
  REQUIRE(report.errors.size() == 3);
  CHECK(report.errors[0].source == "source.k8s-nodes");
  CHECK(report.errors[0].message ==
        "not allowed to list nodes (HTTP 403), so the report has no nodes; grant it with an RBAC rule: "
        "{apiGroups: [\"\"], resources: [\"nodes\"], verbs: [\"list\"]}");
  CHECK(report.errors[1].source == "source.k8s-workloads");
  CHECK_THAT(report.errors[1].message, Catch::StartsWith("not allowed to list deployments.apps (HTTP 403)") &&
                                           Catch::Contains("resources: [\"deployments\"]"));
  CHECK_THAT(report.errors[2].message, Catch::StartsWith("not allowed to list cronjobs.batch (HTTP 403)"));
  // Nothing of the server's own answer: neither its address nor the user it names.
  const std::string text = encodeReport(report, ReportFormat::Native);
  CHECK(text.find("127.0.0.1") == std::string::npos);
  CHECK(text.find(server.url()) == std::string::npos);
  CHECK(text.find("system:") == std::string::npos);
}

TEST_CASE("k8s sources through the API server: a server that fails mid-way", "[plugins][k8s][apiserver]") {
  std::vector<std::string> args = recordedCluster();
  args.insert(args.end(), {"--fail-after-pages", "3"});  // nodes, namespaces and pods get their page
  TestApiServer server(args);
  const Report report = collectAll(server, 500);
  CHECK(report.nodes.size() == 3);
  CHECK(report.namespaces.has_value());
  REQUIRE(report.workloads.size() == 1);
  CHECK(report.workloads[0].kind == "pods");
  REQUIRE(report.errors.size() == 6);
  for (const auto& error : report.errors) {
    CHECK_THAT(error.message, Catch::StartsWith("could not list ") && Catch::Contains("(HTTP 500)"));
  }
}

TEST_CASE("k8s sources through the API server: a generated cluster whose canary never reaches the report",
          "[plugins][k8s][apiserver][privacy]") {
  const std::string canary = "zqxcanary";
  TestApiServer server({"--generate",
                        "nodes=40,namespaces=120,pods=3000,services=400,deployments=300,statefulsets=50,"
                        "daemonsets=20,jobs=100,cronjobs=30",
                        "--canary", canary, "--seed", "7"});
  const Report report = collectAll(server, 250);
  CHECK(report.errors.empty());
  CHECK(report.nodes.size() == 40);
  REQUIRE(report.namespaces.has_value());
  CHECK(report.namespaces->count == 120);
  std::map<std::string, std::uint64_t> totals;
  std::uint64_t namespacesWithPods = 0;
  for (const auto& w : report.workloads) {
    totals[w.kind] = w.total;
    if (w.kind == "pods") {
      for (auto count : w.perNamespace->counts) namespacesWithPods += count;
      std::uint64_t aged = 0;
      for (auto count : w.ages->ageSeconds.counts) aged += count;
      CHECK(aged == w.total);
      std::uint64_t phased = 0;
      for (const auto& phase : w.phases) phased += phase.count;
      CHECK(phased == w.total);
    }
  }
  CHECK(totals == std::map<std::string, std::uint64_t>{{"pods", 3000},
                                                       {"services", 400},
                                                       {"deployments", 300},
                                                       {"statefulsets", 50},
                                                       {"daemonsets", 20},
                                                       {"jobs", 100},
                                                       {"cronjobs", 30}});
  CHECK(namespacesWithPods >= 1);
  CHECK(namespacesWithPods <= 120);
  for (const auto format : {ReportFormat::Native, ReportFormat::SpartakusV1}) {
    const std::string text = encodeReport(report, format);
    CHECK(text.find(canary) == std::string::npos);
  }
}

namespace {

// The process' peak resident memory (VmHWM), KiB.
long peakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

// Hidden (run with "[scale]"): a cluster of the size the issue names. About a minute.
TEST_CASE("k8s sources through the API server: 5,000 nodes, 10,000 namespaces, 150,000 pods in flat memory",
          "[.][scale][plugins][k8s][apiserver]") {
  TestApiServer server(
      {"--generate", "nodes=5000,namespaces=10000,pods=150000,services=20000,deployments=15000"});
  const long before = peakRssKiB();
  const Report report = collectAll(server, 500);
  const long grown = peakRssKiB() - before;
  CHECK(report.errors.empty());
  CHECK(report.nodes.size() == 5000);
  CHECK(report.namespaces->count == 10000);
  CHECK(report.workloads[0].total == 150000);
  // 5,000 node summaries, 10,000 namespace hashes and one page of objects at a time: a few MiB,
  // where holding the pod list would take gigabytes.
  WARN("peak memory grew by " << grown << " KiB");
  CHECK(grown < 64 * 1024);
}
