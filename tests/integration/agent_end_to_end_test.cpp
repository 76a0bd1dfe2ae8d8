// kubecensus-agent against a real collector: what arrives, what never leaves, and when.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "collector_fixture.h"

using namespace kctest;
using nlohmann::json;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool isUuid(const std::string& text) {
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_match(text, kUuid);
}

// The cluster ID the agent announces: "reporting cluster <id> ...".
std::string announcedCluster(const std::string& output) {
  static const std::regex kReporting("reporting cluster ([^ ]+)");
  std::smatch match;
  return std::regex_search(output, match, kReporting) ? match[1].str() : std::string();
}

std::string machineID() {
  std::ifstream in("/etc/machine-id");
  std::string id;
  in >> id;
  return id;
}

}  // namespace

TEST_CASE("agent run once delivers a host report the collector stores under a stable cluster ID") {
  Collector collector;
  TempDir work;
  // Detailed: the node's own row (and its keyed ID) is what this test looks at.
  const std::vector<std::string> args{"run",        "--once",
                                      "--database", collector.url(),
                                      "--set",      "agent.state_dir=" + work.file("state"),
                                      "--set",      "agent.level=detailed"};

  const auto before = nowMicros();
  RunResult first = runAgent(args);
  const auto after = nowMicros();
  INFO(first.output);
  REQUIRE(first.exitCode == 0);

  auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  const StoredReport stored = rows[0];
  CHECK(stored.receivedFrom == "127.0.0.0");  // the /24 kept by default
  CHECK(stored.receivedAs == "kubecensus.report/v2");
  CHECK(stored.receivedAt >= before);
  CHECK(stored.receivedAt <= after);
  CHECK(stored.nodeCount == 1);
  CHECK(isUuid(stored.reportID));
  CHECK(isUuid(stored.clusterID));  // none configured: a generated random UUID
  CHECK(stored.clusterID == announcedCluster(first.output));
  REQUIRE(stored.generatedAt.has_value());
  CHECK(*stored.generatedAt >= before);
  CHECK(*stored.generatedAt <= stored.receivedAt);

  json report = json::parse(stored.report);
  CHECK(report["schema"] == "kubecensus.report/v2");
  CHECK(report["reportID"] == stored.reportID);
  CHECK(report["clusterID"] == stored.clusterID);
  CHECK(report["agent"]["name"] == "kubecensus-agent");
  REQUIRE(report["nodes"].size() == 1);
  const json& node = report["nodes"][0];
  CHECK(node["operatingSystem"] == "linux");
  // The node ID is a keyed hash (32 hex digits), never the machine's own identity.
  REQUIRE(node["id"].is_string());
  CHECK(std::regex_match(node["id"].get<std::string>(), std::regex("[0-9a-f]{32}")));
  if (std::string id = machineID(); !id.empty()) CHECK_FALSE(contains(stored.report, id));

  // A second run with the same state directory: the same cluster, a new report.
  RunResult second = runAgent(args);
  INFO(second.output);
  REQUIRE(second.exitCode == 0);
  rows = collector.reports();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].clusterID == rows[1].clusterID);
  CHECK(rows[0].reportID != rows[1].reportID);
  CHECK(json::parse(rows[0].report)["nodes"][0]["id"] == json::parse(rows[1].report)["nodes"][0]["id"]);

  // Another state directory is another cluster.
  RunResult elsewhere = runAgent(
      {"run", "--once", "--database", collector.url(), "--set", "agent.state_dir=" + work.file("other")});
  REQUIRE(elsewhere.exitCode == 0);
  rows = collector.reports();
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].clusterID != rows[0].clusterID);
}

TEST_CASE("agent run with period 1s keeps reporting until SIGTERM stops it with exit 0") {
  Collector collector;
  TempDir work;
  ChildProcess agent(agentBinary(),
                     {"run", "--period", "1s", "--database", collector.url(), "--set",
                      "agent.state_dir=" + work.file("state")},
                     work.file("agent.log"), agentEnvironment());

  const bool twoReports =
      eventually([&] { return collector.reports().size() >= 2; }, std::chrono::seconds(8));
  INFO("agent output:\n" << agent.output() << "collector output:\n" << collector.log());
  REQUIRE(twoReports);
  CHECK(agent.running());

  const auto signalled = std::chrono::steady_clock::now();
  CHECK(agent.stop(SIGTERM, std::chrono::seconds(5)) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < std::chrono::seconds(3));
  CHECK(contains(agent.output(), "stopped (signal 15)"));

  auto rows = collector.reports();
  std::set<std::string> reportIDs;
  for (const auto& row : rows) {
    reportIDs.insert(row.reportID);
    CHECK(row.clusterID == rows[0].clusterID);
  }
  CHECK(reportIDs.size() == rows.size());

  CHECK(collector.stop() == 0);
}

TEST_CASE("DO_NOT_TRACK=1 makes run once send and collect nothing") {
  Collector collector;
  TempDir work;
  const std::string stateDir = work.file("state");
  RunResult result =
      runAgent({"run", "--once", "--database", collector.url(), "--set", "agent.state_dir=" + stateDir},
               {{"DO_NOT_TRACK", "1"}});
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(contains(result.output, "DO_NOT_TRACK"));
  // The agent waits for its delivery's answer before it exits, so by now any report is stored.
  CHECK(collector.reports().empty());
  CHECK_FALSE(contains(collector.log(), "POST"));
  CHECK_FALSE(std::filesystem::exists(stateDir));  // not even a salt was made
}

TEST_CASE("agent.enabled=false makes run once send and collect nothing") {
  Collector collector;
  TempDir work;
  const std::string stateDir = work.file("state");
  RunResult result = runAgent({"run", "--once", "--database", collector.url(), "--set",
                               "agent.state_dir=" + stateDir, "--set", "agent.enabled=false"});
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(contains(result.output, "agent.enabled is false"));
  CHECK(collector.reports().empty());
  CHECK_FALSE(contains(collector.log(), "POST"));
  CHECK_FALSE(std::filesystem::exists(stateDir));
}

TEST_CASE("preview prints the native report as one JSON line and sends nothing") {
  Collector collector;
  TempDir work;
  SplitRunResult result =
      runSplit(agentBinary(),
               {"preview", "--database", collector.url(), "--set", "agent.state_dir=" + work.file("state")},
               agentEnvironment());
  INFO("stdout: " << result.out << "\nstderr: " << result.err);
  REQUIRE(result.exitCode == 0);
  REQUIRE(!result.out.empty());
  CHECK(result.out.back() == '\n');
  CHECK(result.out.find('\n') == result.out.size() - 1);  // exactly one line

  json report = json::parse(result.out);
  CHECK(report["schema"] == "kubecensus.report/v2");
  REQUIRE(report["reportID"].is_string());
  CHECK(isUuid(report["reportID"].get<std::string>()));
  REQUIRE(report["clusterID"].is_string());
  CHECK(isUuid(report["clusterID"].get<std::string>()));
  // The standard level: one node, counted into a group too small to keep its attributes.
  CHECK(report["level"] == "standard");
  CHECK(report["nodeCount"] == 1);
  CHECK(report["nodes"].empty());
  CHECK(report["nodeGroups"] == json::parse(R"([{"other": true, "count": 1, "capacity": []}])"));
  CHECK_FALSE(report.contains("receivedAt"));  // only a collector sets that

  CHECK(collector.reports().empty());
  CHECK_FALSE(contains(collector.log(), "POST"));
}

TEST_CASE("the extensions flag adds operator key/value pairs beside the host and they reach the collector") {
  Collector collector;
  TempDir work;
  work.write("ext/cluster.json", R"({"example.com/tier": "gold", "Not Valid": "x"})");
  kctest::RunResult result = kctest::run(agentBinary(),
                                         {"run", "--once", "--database", collector.url(), "--extensions",
                                          work.file("ext"), "--set", "agent.state_dir=" + work.file("state")},
                                         agentEnvironment());
  INFO(result.output);
  REQUIRE(result.exitCode == 0);
  REQUIRE(collector.reports().size() == 1);
  json stored = json::parse(collector.reports()[0].report);
  REQUIRE(stored["extensions"].size() == 1);
  CHECK(stored["extensions"][0] == json{{"name", "example.com/tier"}, {"value", "gold"}});
  CHECK(stored["nodeCount"] == 1);  // the default host source still runs
  REQUIRE(stored["errors"].size() == 1);
  CHECK(stored["errors"][0]["source"] == "source.extensions");
}
