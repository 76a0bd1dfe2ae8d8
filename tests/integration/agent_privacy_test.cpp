// The agent's privacy switches through the real binary: every opt-out sends nothing (counted as
// connections accepted by a listening collector), the level shapes what reaches the collector,
// spartakus-v1 needs the detailed level, and preview shows the exact bytes with their SHA-256.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "collector_fixture.h"
#include "kubecensus/util/gzip.h"
#include "kubecensus/util/hmac.h"
#include "support/fake_http_server.h"
#include "support/test_api_server.h"

using namespace kctest;
using nlohmann::json;

namespace {

std::vector<std::string> cluster(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "--objects",
      TestApiServer::fixtureObjects("nodes", "k8s/real/nodelist-kind-1.20-containerd-3nodes.json"),
      "--objects",
      TestApiServer::fixtureObjects("namespaces", "k8s/real/namespacelist-k3s-1.33.json"),
      "--version-file",
      fixturePath("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json")};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string writeOptOutConfigMap(const TempDir& dir, const std::string& disabled) {
  const std::string path = dir.file("configmap.json");
  std::ofstream(path) << json{
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", "kubecensus"}, {"namespace", "kube-system"}, {"uid", "cm-1"}}},
      {"data",
       {{"disabled",
         disabled}}}}.dump();
  return path;
}

}  // namespace

TEST_CASE("every opt-out switch stops every sender: no connection reaches the collector") {
  TempDir work;
  struct Switch {
    const char* name;
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string configMap;  // data.disabled of the cluster's opt-out ConfigMap, if any
  };
  const std::vector<Switch> switches{
      {"DO_NOT_TRACK=1", {}, {{"DO_NOT_TRACK", "1"}}, ""},
      {"KUBECENSUS_DISABLED=1", {}, {{"KUBECENSUS_DISABLED", "1"}}, ""},
      {"level = off", {"--set", "agent.level=off"}, {}, ""},
      {"--level off", {"--level", "off"}, {}, ""},
      {"agent.enabled = false", {"--set", "agent.enabled=false"}, {}, ""},
      {"ConfigMap kube-system/kubecensus data.disabled = true", {}, {}, "true"},
  };
  for (const Switch& s : switches) {
    INFO(s.name);
    FakeHttpServer collector([](const FakeRequest&) { return jsonResponse(202, R"({"accepted":1})"); });
    std::vector<std::string> serverArgs =
        s.configMap.empty() ? cluster()
                            : cluster({"--objects", "configmaps=" + writeOptOutConfigMap(work, s.configMap)});
    TestApiServer api(serverArgs);
    std::vector<std::string> args{
        "run",        "--once",        "--kubeconfig", api.kubeconfig(),
        "--database", collector.url(), "--set",        "agent.state_dir=" + work.file("state")};
    args.insert(args.end(), s.args.begin(), s.args.end());
    RunResult result = runAgent(args, s.env);
    INFO(result.output);
    CHECK(result.exitCode == 0);
    CHECK(collector.connectionCount() == 0);
    CHECK_THAT(result.output, Catch::Contains("disabled") || Catch::Contains("paused"));
  }
  // The control: the same run without a switch does connect (and a ConfigMap saying anything
  // but "true" switches nothing off).
  FakeHttpServer collector([](const FakeRequest&) { return jsonResponse(202, R"({"accepted":1})"); });
  TestApiServer api(cluster({"--objects", "configmaps=" + writeOptOutConfigMap(work, "false")}));
  RunResult result = runAgent({"run", "--once", "--kubeconfig", api.kubeconfig(), "--database",
                               collector.url(), "--set", "agent.state_dir=" + work.file("state")});
  INFO(result.output);
  CHECK(result.exitCode == 0);
  CHECK(collector.connectionCount() >= 1);
  REQUIRE(collector.requestCount() == 1);
  // The start line says what is sent, where, and how to stop it.
  CHECK_THAT(result.output, Catch::Contains("level standard") && Catch::Contains(collector.url()) &&
                                Catch::Contains("DO_NOT_TRACK=1") &&
                                Catch::Contains("kube-system/kubecensus"));
  const json sent = json::parse(collector.requests()[0].contentEncoding == "gzip"
                                    ? kubecensus::gzipDecompress(collector.requests()[0].body, 1 << 24)
                                    : collector.requests()[0].body);
  CHECK(sent["level"] == "standard");
  CHECK(sent["nodeCount"] == 3);
  CHECK((!sent.contains("nodes") || sent["nodes"].empty()));
  REQUIRE(sent["nodeGroups"].size() == 1);
  CHECK(sent["nodeGroups"][0]["count"] == 3);  // the three kind nodes share one configuration
  CHECK(sent["nodeGroups"][0]["kubeletVersion"].is_string());
}

TEST_CASE("spartakus-v1 needs the detailed level, and --check-config says so naming the sink") {
  TempDir work;
  work.write("agent.ini", "[sink.legacy]\ntype = http\nurl = http://127.0.0.1:9/\nformat = spartakus-v1\n");
  RunResult refused = runAgent({"--config", work.file("agent.ini"), "--check-config"});
  INFO(refused.output);
  CHECK(refused.exitCode == 2);
  CHECK_THAT(refused.output, Catch::Contains("agent.ini") && Catch::Contains("[sink.legacy] format") &&
                                 Catch::Contains("level = detailed"));
  RunResult accepted =
      runAgent({"--config", work.file("agent.ini"), "--level", "detailed", "--check-config"});
  INFO(accepted.output);
  CHECK(accepted.exitCode == 0);
}

TEST_CASE(
    "preview prints the bytes a sink sends with their SHA-256, and --explain names each field's level") {
  TempDir work;
  TestApiServer api(cluster());
  const std::vector<std::string> base{"preview",
                                      "--kubeconfig",
                                      api.kubeconfig(),
                                      "--database",
                                      "stdout",
                                      "--set",
                                      "agent.state_dir=" + work.file("state"),
                                      "--set",
                                      "agent.cluster_id=preview-test"};
  SplitRunResult plain = runSplit(agentBinary(), base, agentEnvironment());
  INFO(plain.err);
  REQUIRE(plain.exitCode == 0);
  const std::string bytes = plain.out.substr(0, plain.out.size() - 1);  // without the newline
  CHECK_THAT(plain.err, Catch::Contains("sha256 " + kubecensus::sha256Hex(bytes)) &&
                            Catch::Contains(std::to_string(bytes.size()) + " bytes") &&
                            Catch::Contains("sink.stdout"));

  std::vector<std::string> explainArgs = base;
  explainArgs.push_back("--explain");
  SplitRunResult explained = runSplit(agentBinary(), explainArgs, agentEnvironment());
  INFO(explained.out);
  REQUIRE(explained.exitCode == 0);
  CHECK_THAT(explained.out,
             Catch::Contains("masterVersion = \"v1.33") && Catch::Contains("[minimal] get /version"));
  CHECK_THAT(explained.out, Catch::Contains("nodeGroups[0].count = 3") && Catch::Contains("[standard]"));
  CHECK_THAT(explained.out, !Catch::Contains("undeclared"));

  std::vector<std::string> offArgs = base;
  offArgs.insert(offArgs.end(), {"--level", "off"});
  SplitRunResult off = runSplit(agentBinary(), offArgs, agentEnvironment());
  CHECK(off.exitCode == 0);
  CHECK(off.out.empty());
  CHECK_THAT(off.err, Catch::Contains("nothing would be sent"));
}

TEST_CASE("history lists each report delivered with the collector's receipt") {
  Collector collector;
  TempDir work;
  RunResult empty = runAgent({"history", "--set", "agent.state_dir=" + work.file("state")});
  CHECK(empty.exitCode == 0);
  CHECK_THAT(empty.output, Catch::Contains("nothing was ever sent"));
  for (int i = 0; i < 2; ++i)
    REQUIRE(runAgent({"run", "--once", "--database", collector.url(), "--set",
                      "agent.state_dir=" + work.file("state")})
                .exitCode == 0);
  RunResult listed = runAgent({"history", "--json", "--set", "agent.state_dir=" + work.file("state")});
  INFO(listed.output);
  REQUIRE(listed.exitCode == 0);
  std::vector<json> rows;
  std::istringstream lines(listed.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{') rows.push_back(json::parse(line));
  REQUIRE(rows.size() == 2);
  const auto stored = collector.reports();
  REQUIRE(stored.size() == 2);
  CHECK(rows[0]["reportID"] == stored[1].reportID);  // newest first
  CHECK(rows[1]["reportID"] == stored[0].reportID);
  for (const auto& row : rows) {
    CHECK(row["sink"].get<std::string>().rfind("sink.", 0) == 0);
    CHECK_THAT(row["receipt"].get<std::string>(),
               Catch::Contains("HTTP 202") && Catch::Contains(row["reportID"].get<std::string>()));
    CHECK(row["bytes"].get<int>() > 100);
  }
}
