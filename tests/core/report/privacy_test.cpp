// Privacy levels, node groups and small-count suppression (core/report/privacy.h, node_groups.h).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/node_groups.h"
#include "kubecensus/report/privacy.h"
#include "report_testing.h"
#include "support/temp_dir.h"

using namespace kubecensus;

namespace {

Node node(std::string os, std::string kubelet, std::string cpu, std::string memory) {
  Node n;
  n.id = "id-" + cpu + memory;
  n.operatingSystem = std::move(os);
  n.kubeletVersion = std::move(kubelet);
  n.capacity = {{"cpu", std::move(cpu)}, {"memory", std::move(memory)}};
  return n;
}

// Every leaf path of a native document, arrays as "[]" (the catalog's notation).
std::set<std::string> leafPaths(const nlohmann::json& json, const std::string& prefix = "") {
  std::set<std::string> paths;
  if (json.is_object()) {
    for (const auto& [key, value] : json.items()) {
      auto inner = leafPaths(value, prefix.empty() ? key : prefix + "." + key);
      paths.insert(inner.begin(), inner.end());
    }
  } else if (json.is_array() && !json.empty() && json.front().is_object()) {
    for (const auto& element : json) {
      auto inner = leafPaths(element, prefix + "[]");
      paths.insert(inner.begin(), inner.end());
    }
  } else if (json.is_array() && !json.empty() && json.front().is_string() && prefix.ends_with("roles")) {
    paths.insert(prefix + "[]");
  } else if (!(json.is_array() && json.empty())) {
    paths.insert(prefix);
  }
  return paths;
}

// A report with a little of everything, as the sources make it (before applyPrivacy).
Report everything() {
  Report report = kctest::fullReport();
  report.receivedAt.reset();
  report.receivedFrom.reset();
  report.accountID.reset();
  report.receivedAs = ReportFormat::Native;
  report.nodes.clear();
  for (int i = 0; i < 4; ++i) report.nodes.push_back(node("linux", "v1.31.2", "4", "16Gi"));
  report.nodes[0].allocatable = {{"cpu", "3920m"}};
  report.nodes[0].roles = {"control-plane"};
  report.nodes[0].cloudProvider = "gce";
  report.nodes.push_back(node("windows", "v1.31.2", "8", "32Gi"));
  return report;
}

}  // namespace

TEST_CASE("privacy: Kubernetes quantities in base units", "[privacy]") {
  CHECK(parseQuantity("4") == 4.0);
  CHECK(parseQuantity("3800m") == Approx(3.8));
  CHECK(parseQuantity("15437428Ki") == 15437428.0 * 1024);
  CHECK(parseQuantity("1.5Gi") == 1.5 * 1073741824.0);
  CHECK(parseQuantity("2k") == 2000.0);
  CHECK(parseQuantity("1E") == 1e18);
  CHECK(parseQuantity("2e3") == 2000.0);
  CHECK(parseQuantity("100n") == Approx(1e-7));
  CHECK_FALSE(parseQuantity("").has_value());
  CHECK_FALSE(parseQuantity("lots").has_value());
  CHECK_FALSE(parseQuantity("4 cores").has_value());
  CHECK_FALSE(parseQuantity("inf").has_value());
}

TEST_CASE("privacy: distributions use the nearest rank", "[privacy]") {
  std::vector<double> values{9, 1, 5, 3, 7, 2, 8, 4, 6, 10};
  const Distribution d = summarize(values);
  CHECK(d.min == 1);
  CHECK(d.p25 == 3);
  CHECK(d.p50 == 5);
  CHECK(d.p75 == 8);
  CHECK(d.p90 == 9);
  CHECK(d.p99 == 10);
  CHECK(d.max == 10);
  CHECK(d.mean == 5.5);
  std::vector<double> none;
  CHECK(summarize(none) == Distribution{});
}

TEST_CASE("privacy: node groups merge configurations shared by fewer than k nodes into other", "[privacy]") {
  NodeGroupCounter counter;
  for (int i = 0; i < 5; ++i) counter.add(node("linux", "v1.31.2", std::to_string(2 + i), "8Gi"));
  counter.add(node("linux", "v1.30.0", "4", "8Gi"));
  counter.add(node("linux", "v1.30.0", "4", "8Gi"));
  counter.add(node("windows", "v1.31.2", "16", "64Gi"));
  CHECK(counter.total() == 8);

  const auto groups = counter.groups(3);
  REQUIRE(groups.size() == 2);
  CHECK_FALSE(groups[0].other);
  CHECK(groups[0].count == 5);
  CHECK(groups[0].operatingSystem == "linux");
  CHECK(groups[0].kubeletVersion == "v1.31.2");
  CHECK_FALSE(groups[0].osImage.has_value());  // absent on the nodes, absent in the group
  REQUIRE(groups[0].capacity.size() == 2);
  CHECK(groups[0].capacity[0].resource == "cpu");
  CHECK(groups[0].capacity[0].values.min == 2);
  CHECK(groups[0].capacity[0].values.max == 6);
  CHECK(groups[0].capacity[1].values.p50 == 8.0 * 1073741824.0);
  // 2 + 1 nodes in configurations too rare to show: one group, no attributes, 3 >= k so
  // its capacity is summarized.
  CHECK(groups[1].other);
  CHECK(groups[1].count == 3);
  CHECK_FALSE(groups[1].operatingSystem.has_value());
  CHECK(groups[1].capacity[0].values.max == 16);

  // With k = 4 the other group still has 3 nodes: its capacity is left out too.
  const auto strict = counter.groups(4);
  REQUIRE(strict.size() == 2);
  CHECK(strict[1].count == 3);
  CHECK(strict[1].capacity.empty());
}

TEST_CASE("privacy: each level keeps exactly the fields the catalog gives it", "[privacy]") {
  for (PrivacyLevel level : {PrivacyLevel::Minimal, PrivacyLevel::Standard, PrivacyLevel::Detailed}) {
    INFO(toString(level));
    Report report = everything();
    applyPrivacy(report, {level, 3});
    const std::set<std::string> sent = leafPaths(toNativeJson(report));
    std::set<std::string> allowed, declaredAtThisLevel;
    for (const ReportField& field : reportFields())
      if (field.level <= level) allowed.insert(std::string(field.path));
    for (const std::string& path : sent) {
      INFO(path);
      CHECK(allowed.count(path) == 1);  // nothing undeclared, nothing above the level
    }
    // And what the level promises is there (fields this report has data for).
    for (const char* expected : {"masterVersion", "nodeCount", "namespaces.count", "workloads[].total"})
      CHECK(sent.count(expected) == 1);
    CHECK((sent.count("nodeGroups[].count") == 1) == (level >= PrivacyLevel::Standard));
    CHECK((sent.count("workloads[].perNamespace.counts") == 1) == (level >= PrivacyLevel::Standard));
    CHECK((sent.count("extensions[].name") == 1) == (level >= PrivacyLevel::Standard));
    CHECK((sent.count("nodes[].id") == 1) == (level == PrivacyLevel::Detailed));
    CHECK((sent.count("nodes[].roles[]") == 1) == (level == PrivacyLevel::Detailed));
  }
}

TEST_CASE("privacy: golden reports per level", "[privacy]") {
  for (PrivacyLevel level : {PrivacyLevel::Minimal, PrivacyLevel::Standard, PrivacyLevel::Detailed}) {
    Report report = everything();
    report.reportID = "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77";
    applyPrivacy(report, {level, 3});
    const std::string name = std::string("privacy/") + toString(level) + ".json";
    // KUBECENSUS_UPDATE_GOLDEN=1 rewrites the files (review the diff before committing it).
    if (std::getenv("KUBECENSUS_UPDATE_GOLDEN"))
      std::ofstream(kctest::fixturePath(name)) << toNativeJson(report).dump(2) << "\n";
    const std::string golden = kctest::fixture(name);
    INFO(toString(level) << ": " << toNativeJson(report).dump(2));
    CHECK(toNativeJson(report) == nlohmann::json::parse(golden));
  }
}

TEST_CASE("privacy: histogram buckets smaller than k are emptied into other", "[privacy]") {
  Report report = everything();
  applyPrivacy(report, {PrivacyLevel::Standard, 3});
  // The namespaces' ages were {0, 1, 0, 2, 0, 0, 0, 6, 0}.
  CHECK(report.namespaces->ages->ageSeconds.counts == std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0, 0, 6, 0});
  CHECK(report.namespaces->ages->ageSeconds.other == 3);
  // Pods per namespace {1, 0, 0, 0, 1, ...}: both buckets of one namespace go.
  CHECK(report.workloads[0].perNamespace->other == 2);
  // k = 1 keeps everything.
  Report all = everything();
  applyPrivacy(all, {PrivacyLevel::Standard, 1});
  CHECK(all.namespaces->ages->ageSeconds.other == 0);
}

TEST_CASE("privacy: level names, and off makes no report", "[privacy]") {
  CHECK(parsePrivacyLevel("Standard") == PrivacyLevel::Standard);
  CHECK(parsePrivacyLevel("OFF") == PrivacyLevel::Off);
  CHECK_FALSE(parsePrivacyLevel("full").has_value());
  Report report = everything();
  CHECK_THROWS_AS(applyPrivacy(report, {PrivacyLevel::Off, 3}), std::invalid_argument);
}

TEST_CASE("privacy: the reference lists every catalogued field under its level", "[privacy]") {
  const std::string reference = privacyReference();
  for (const ReportField& field : reportFields())
    CHECK_THAT(reference, Catch::Contains("`" + std::string(field.path) + "`"));
  CHECK_THAT(reference, Catch::Contains("### minimal") && Catch::Contains("### detailed"));
}

TEST_CASE("privacy: extensions from any plugin are held to the extension rules", "[privacy]") {
  Report report = everything();
  report.errors.clear();
  report.extensions = {{"example.com/tier", "gold"},
                       {"Not Valid", "x"},
                       {"big", std::string(1025, 'v')},
                       {"example.com/tier", "again"}};
  for (int i = 0; i < 120; ++i) report.extensions.push_back({"k" + std::to_string(i), "v"});
  applyPrivacy(report, {PrivacyLevel::Standard, 3});
  CHECK(report.extensions.size() == 100);
  CHECK(report.extensions[0].name == "example.com/tier");
  CHECK(report.extensions[0].value == "gold");
  REQUIRE(report.errors.size() == 3 + 21);
  for (const SourceError& error : report.errors) {
    CHECK(error.source == "agent");
    CHECK_THAT(error.message, !Catch::Contains("Not Valid"));  // never quoted
  }
  CHECK_THAT(report.errors[1].message, Catch::Contains("longer than 1024 bytes"));
}

TEST_CASE("privacy: a resource few nodes of a group have is spread over the whole group", "[privacy]") {
  NodeGroupCounter counter;
  for (int i = 0; i < 9; ++i) counter.add(node("linux", "v1.31.2", "4", "16Gi"));
  Node gpu = node("linux", "v1.31.2", "4", "16Gi");
  gpu.capacity.push_back({"nvidia.com/gpu", "8"});
  counter.add(gpu);
  const auto groups = counter.groups(3);
  REQUIRE(groups.size() == 1);
  REQUIRE(groups[0].capacity.size() == 3);
  const Distribution& gpus = groups[0].capacity[2].values;
  CHECK(groups[0].capacity[2].resource == "nvidia.com/gpu");
  CHECK(gpus.min == 0);  // not min = max = 8, the one node's own value
  CHECK(gpus.p50 == 0);
  CHECK(gpus.max == 8);
  CHECK(gpus.mean == Approx(0.8));
  CHECK_FALSE(parseQuantity("1e300Ei").has_value());
  CHECK_FALSE(parseQuantity("0x10").has_value());
  CHECK_FALSE(parseQuantity(" 4").has_value());
}

TEST_CASE("privacy: no node counted means no nodeCount, an average over fewer than k objects is left out",
          "[privacy]") {
  Report report = everything();
  report.nodes.clear();
  report.workloads[1].total = 2;  // jobs: two objects
  report.workloads[1].ages->averageAgeSeconds = 1234;
  applyPrivacy(report, {PrivacyLevel::Standard, 3});
  CHECK_FALSE(report.nodeCount.has_value());
  CHECK(report.nodeGroups.empty());
  CHECK(report.workloads[1].ages->averageAgeSeconds == 0);
  CHECK(report.workloads[0].ages->averageAgeSeconds == 38000000);  // 21 pods: kept
}
