#include <catch2/catch.hpp>
#include <cmath>

#include "kubecensus/stats/catalog.h"
#include "kubecensus/stats/cluster_facts.h"

using namespace kubecensus;
using namespace kubecensus::stats;

namespace {

constexpr Micros kHour = 3'600'000'000;

double amount(const std::vector<Fact>& facts, const std::string& dimension, const std::string& value) {
  for (const Fact& fact : facts)
    if (fact.dimension == dimension && fact.value == value) return fact.amount;
  FAIL("no fact " << dimension << "=" << value);
  return -1;
}

}  // namespace

TEST_CASE("counts fall in the buckets their labels name", "[stats]") {
  CHECK(bucketOf(1, clusterSizeBuckets()) == "1");
  CHECK(bucketOf(3, clusterSizeBuckets()) == "2-3");
  CHECK(bucketOf(50, clusterSizeBuckets()) == "11-50");
  CHECK(bucketOf(51, clusterSizeBuckets()) == "51-100");
  CHECK(bucketOf(1001, clusterSizeBuckets()) == "1001+");
  CHECK(bucketOf(5000000, clusterSizeBuckets()) == "1001+");
  CHECK(bucketOf(0, workloadSizeBuckets()) == "0");
  CHECK(bucketOf(10001, workloadSizeBuckets()) == "10001+");
  CHECK(bucketOf(501, namespaceCountBuckets()) == "501+");
}

TEST_CASE("a report counts when it was made unless the agent's clock is off", "[stats]") {
  Report report;
  report.receivedAt = 1000 * kHour;
  report.generatedAt = 1000 * kHour - 5 * 24 * kHour;  // waited five days in an outbox
  CHECK(statsTime(report) == *report.generatedAt);
  report.generatedAt = 1000 * kHour + 2 * kHour;  // two hours in the future
  CHECK(statsTime(report) == *report.receivedAt);
  report.generatedAt = 1000 * kHour - 31 * 24 * kHour;  // older than 30 days
  CHECK(statsTime(report) == *report.receivedAt);
  report.generatedAt.reset();
  CHECK(statsTime(report) == *report.receivedAt);
}

TEST_CASE("a report's facts: versions, node attributes, sizes and workloads", "[stats]") {
  Report report;
  report.masterVersion = "v1.31.2-gke.1";
  report.receivedAs = ReportFormat::SpartakusV1;
  for (int i = 0; i < 4; ++i) {
    Node node;
    node.architecture = i < 3 ? "amd64" : "arm64";
    node.containerRuntimeVersion = "containerd://1.7.22";
    node.kubeletVersion = "v1.30.5";
    node.capacity = {{"cpu", "2"}, {"memory", "4Gi"}};
    report.nodes.push_back(node);
  }
  report.namespaces = NamespaceSummary{12, std::nullopt};
  report.workloads.push_back({"pods", 140, std::nullopt, std::nullopt, {}});
  const std::vector<Fact> facts = clusterFacts(report);
  CHECK(std::is_sorted(facts.begin(), facts.end()));
  CHECK(amount(facts, "masterMinor", "1.31") == 4);
  CHECK(amount(facts, "format", "spartakus-v1") == 4);
  CHECK(amount(facts, "architecture", "amd64") == 3);
  CHECK(amount(facts, "architecture", "arm64") == 1);
  CHECK(amount(facts, "containerRuntime", "containerd") == 4);
  CHECK(amount(facts, "kubeletMinor", "1.30") == 4);
  CHECK(amount(facts, "cloudProvider", "unknown") == 4);
  CHECK(amount(facts, "clusterSize", "4-10") == 4);
  CHECK(amount(facts, kTotalsDimension, "cores") == 8);
  CHECK(amount(facts, kTotalsDimension, "memoryBytes") == 4 * 4.0 * 1024 * 1024 * 1024);
  CHECK(amount(facts, "namespaces", "11-20") == 12);
  CHECK(amount(facts, "workloads", "pods") == 140);
  CHECK(amount(facts, workloadSizeDimension("pods"), "101-1000") == 140);
  CHECK(decodeFacts(encodeFacts(facts)) == facts);
  CHECK_THROWS_WITH(decodeFacts("[[\"x\"]]"), Catch::Contains("garbled"));
}

TEST_CASE("a report without a version or nodes still counts its cluster", "[stats]") {
  Report report;
  const std::vector<Fact> facts = clusterFacts(report);
  CHECK(amount(facts, kActiveDimension, "") == 0);
  CHECK(amount(facts, "masterMinor", "unknown") == 0);
  for (const Fact& fact : facts) CHECK(fact.dimension != "clusterSize");
}

TEST_CASE("one cluster's amounts are capped, so it cannot swamp everyone's sums", "[stats]") {
  Report report;
  NodeGroup group;
  group.count = 4'000'000'000;
  Distribution cpu;
  cpu.mean = 1e300;
  group.capacity.push_back({"cpu", cpu});
  report.nodeGroups.push_back(group);
  const std::vector<Fact> facts = clusterFacts(report);
  CHECK(amount(facts, kTotalsDimension, "cores") == kMaxFactAmount);
  for (const Fact& fact : facts) CHECK((std::isfinite(fact.amount) && fact.amount >= 0));
  CHECK(decodeFacts(encodeFacts(facts)) == facts);
}
