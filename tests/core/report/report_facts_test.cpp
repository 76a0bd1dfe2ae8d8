// The facts the collector's statistics count of one report (core/report/report_facts.h).
#include <catch2/catch.hpp>

#include "kubecensus/report/privacy.h"
#include "kubecensus/report/report_facts.h"

using namespace kubecensus;

namespace {

Node node(std::string kubelet, std::string runtime, std::string cpu, std::string memory) {
  Node n;
  n.operatingSystem = "linux";
  n.architecture = "amd64";
  n.kubeletVersion = std::move(kubelet);
  n.containerRuntimeVersion = std::move(runtime);
  n.capacity = {{"cpu", std::move(cpu)}, {"memory", std::move(memory)}};
  return n;
}

}  // namespace

TEST_CASE("facts: versions by minor, runtimes by name", "[facts]") {
  CHECK(minorVersion("v1.31.2-gke.1") == "1.31");
  CHECK(minorVersion("1.9") == "1.9");
  CHECK(minorVersion("v1.30.0+k3s1") == "1.30");
  CHECK_FALSE(minorVersion("latest").has_value());
  CHECK_FALSE(minorVersion("v1.").has_value());
  CHECK(runtimeName("containerd://1.7.22") == "containerd");
  CHECK(runtimeName("docker://1.11.2") == "docker");
  CHECK(runtimeName("cri-o") == "cri-o");
  CHECK(runtimeName("") == "unknown");
}

TEST_CASE("facts: the same cluster gives the same facts from rows and from node groups", "[facts]") {
  Report rows;
  rows.nodes = {node("v1.31.2", "containerd://1.7.22", "4", "16Gi"),
                node("v1.31.2", "containerd://1.7.22", "4", "16Gi"),
                node("v1.31.2", "containerd://1.7.22", "8", "32Gi"),
                node("v1.30.5", "cri-o://1.30.1", "2", "8Gi")};
  const ReportFacts fromRows = reportFacts(rows);
  CHECK(fromRows.nodes == 4);
  CHECK(fromRows.cores == 18);
  CHECK(fromRows.memoryBytes == 72.0 * 1073741824.0);
  CHECK(fromRows.nodesBy.at("kubeletMinor") ==
        std::map<std::string, std::uint64_t>{{"1.30", 1}, {"1.31", 3}});
  CHECK(fromRows.nodesBy.at("containerRuntime") ==
        std::map<std::string, std::uint64_t>{{"containerd", 3}, {"cri-o", 1}});
  CHECK(fromRows.nodesBy.at("cloudProvider") == std::map<std::string, std::uint64_t>{{"unknown", 4}});

  Report groups = rows;
  applyPrivacy(groups, {PrivacyLevel::Standard, 1});  // k = 1: every configuration its own group
  REQUIRE(groups.nodes.empty());
  const ReportFacts fromGroups = reportFacts(groups);
  CHECK(fromGroups.nodes == 4);
  CHECK(fromGroups.cores == Approx(18));
  CHECK(fromGroups.memoryBytes == Approx(72.0 * 1073741824.0));
  CHECK(fromGroups.nodesBy == fromRows.nodesBy);

  // With k = 3 the lone cri-o node is in "other".
  Report merged = rows;
  applyPrivacy(merged, {PrivacyLevel::Standard, 3});
  const ReportFacts fromMerged = reportFacts(merged);
  CHECK(fromMerged.nodes == 4);
  CHECK(fromMerged.nodesBy.at("kubeletMinor") ==
        std::map<std::string, std::uint64_t>{{"1.31", 3}, {"other", 1}});
}

TEST_CASE("facts: a minimal report counts its nodes without attributes", "[facts]") {
  Report minimal;
  minimal.nodeCount = 12;
  const ReportFacts facts = reportFacts(minimal);
  CHECK(facts.nodes == 12);
  CHECK(facts.nodesBy.empty());
  CHECK(facts.cores == 0);
}
