// A running agent whose Kubernetes API fails mid-pagination (docs/reliability.md#faults): an
// error status, a page that is not JSON, a connection cut mid-page, a page slower than the
// timeout. One bad answer is retried unseen; a list that keeps failing leaves that part out of
// the pass's report with an error naming it, the rest is reported; the next pass is whole.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "collector_fixture.h"
#include "support/test_api_server.h"

using namespace kctest;
using nlohmann::json;

namespace {

constexpr int kAgentAttempts = 5;  // KubeClientSettings::maxAttempts

struct Pass {
  json report;
  std::int64_t nodeCount = 0;
  std::vector<std::string> errors;
};

// Runs the agent reporting every second until the collector has `passes` reports; `log` gets
// what the agent logged.
std::vector<Pass> runAgentPasses(TestApiServer& cluster, std::size_t passes, std::string& log) {
  Collector collector;
  TempDir work;
  ChildProcess agent(
      agentBinary(),
      {"run", "--kubeconfig", cluster.kubeconfig(), "--database", collector.url(), "--set",
       "agent.state_dir=" + work.file("state"), "--set", "agent.period=1s", "--set", "agent.jitter_percent=0",
       "--set", "kubernetes.timeout=2s", "--set", "kubernetes.page_size=2"},  // 7 pods: 4 pages
      work.file("agent.log"), agentEnvironment());
  const bool reported =
      eventually([&] { return collector.reports().size() >= passes; }, std::chrono::seconds(90));
  agent.stop(SIGTERM);
  log = agent.output();
  INFO(log);
  REQUIRE(reported);
  std::vector<Pass> out;
  for (const auto& stored : collector.reports()) {
    Pass pass{json::parse(stored.report), stored.nodeCount, {}};
    for (const auto& error : pass.report["errors"])
      pass.errors.push_back(error["message"].get<std::string>());
    out.push_back(std::move(pass));
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a Kubernetes API failing mid-way: one bad page is retried, a failing list is left out and named, "
    "the next pass is whole",
    "[faults][kubernetes]") {
  struct Case {
    const char* fault;
    const char* reportSays;  // what the report's error says of the failure
    const char* logSays;     // and what the agent's log says of each attempt
  };
  const Case testCase = GENERATE(Case{"500", "(HTTP 500)", "HTTP 500 Internal Server Error"},
                                 Case{"garbage", "(no usable answer from the API server)", "malformed"},
                                 Case{"truncated", "(no usable answer from the API server)", ""},
                                 Case{"slow", "(no usable answer from the API server)", "Timeout"});
  INFO("fault: " << testCase.fault);

  SECTION("once: retried, the report is whole") {
    TestApiServer cluster(
        TestApiServer::recordedCluster({"--fault-on", "pods", "--fail-after-pages", "1", "--fault",
                                        testCase.fault, "--fault-count", "1", "--fault-delay", "5000"}));
    std::string log;
    const auto passes = runAgentPasses(cluster, 1, log);
    CHECK(passes[0].errors.empty());
    CHECK(passes[0].nodeCount == 3);
    CHECK(passes[0].report["workloads"].size() == 7);
    CHECK_THAT(log, Catch::Contains("retrying in") && Catch::Contains(testCase.logSays));
  }

  SECTION("every attempt of one list: that list is named, the rest reported, the next pass whole") {
    // The pods list's second page fails as often as the agent tries in its first pass; then the
    // server is well.
    TestApiServer cluster(TestApiServer::recordedCluster(
        {"--fault-on", "pods", "--fail-after-pages", "1", "--fault", testCase.fault, "--fault-count",
         std::to_string(kAgentAttempts), "--fault-delay", "5000"}));
    std::string log;
    const auto passes = runAgentPasses(cluster, 2, log);
    REQUIRE(passes[0].errors.size() == 1);
    INFO(passes[0].errors[0]);
    CHECK(passes[0].errors[0] == std::string("could not list pods ") + testCase.reportSays +
                                     ", so the report has no pods; the agent's log says more");
    CHECK_THAT(log, Catch::Contains("gave up after " + std::to_string(kAgentAttempts) + " attempts") &&
                        Catch::Contains(testCase.logSays));
    CHECK(passes[0].nodeCount == 3);  // what was listed before is reported
    CHECK(passes[0].report["workloads"].size() == 6);
    CHECK(passes[1].errors.empty());
    CHECK(passes[1].nodeCount == 3);
    CHECK(passes[1].report["workloads"].size() == 7);
  }
}
