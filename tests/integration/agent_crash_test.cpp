// kill -9 of the agent at random moments while it makes and delivers reports: every report
// it had kept in its outbox reaches the collector, once. KUBECENSUS_CRASH_ITERATIONS sets the
// number of kills (10 here; `make test-crash` runs 200).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

#include "collector_fixture.h"

using namespace kctest;

namespace {

int iterations() {
  const char* text = std::getenv("KUBECENSUS_CRASH_ITERATIONS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : 10;
}

// The reports the agent's log says it kept (it logs that after the outbox committed them).
std::set<std::string> keptReports(const std::string& log) {
  static const std::regex kKept("report ([0-9a-f-]{36}) kept in the outbox");
  std::set<std::string> ids;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kKept); it != std::sregex_iterator(); ++it)
    ids.insert((*it)[1].str());
  return ids;
}

}  // namespace

TEST_CASE("kill -9 at random moments loses no kept report and stores none twice", "[crash]") {
  Collector collector;
  TempDir work;
  const std::string state = work.file("state");
  const std::vector<std::string> args{"run",
                                      "--period",
                                      "40ms",
                                      "--database",
                                      collector.url(),
                                      "--set",
                                      "agent.state_dir=" + state,
                                      "--set",
                                      "outbox.retry_initial=50ms",
                                      "--set",
                                      "outbox.retry_max=100ms"};
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> lifetime(5, 250);  // ms before the kill
  std::set<std::string> kept;
  const int kills = iterations();
  for (int i = 0; i < kills; ++i) {
    const std::string logPath = work.file("agent-" + std::to_string(i) + ".log");
    {
      ChildProcess agent(agentBinary(), args, logPath, agentEnvironment());
      std::this_thread::sleep_for(std::chrono::milliseconds(lifetime(rng)));
      agent.stop(SIGKILL);
      const auto ids = keptReports(agent.output());
      kept.insert(ids.begin(), ids.end());
      INFO("kill " << i << ":\n" << agent.output());
      CHECK_FALSE(agent.output().find("is corrupt") != std::string::npos);
    }
    if ((i + 1) % 50 == 0)
      std::printf("crash test: %d of %d kills, %zu reports kept\n", i + 1, kills, kept.size());
  }
  // A last, clean run delivers whatever the kills left waiting.
  RunResult last =
      runAgent({"run", "--once", "--database", collector.url(), "--set", "agent.state_dir=" + state});
  INFO(last.output);
  CHECK(last.exitCode == 0);
  const auto lastIds = keptReports(last.output);
  kept.insert(lastIds.begin(), lastIds.end());

  std::set<std::string> stored;
  std::size_t rows = 0;
  for (const auto& report : collector.reports()) {
    stored.insert(report.reportID);
    ++rows;
  }
  CHECK(rows == stored.size());                                // none twice
  REQUIRE(kept.size() > static_cast<std::size_t>(kills / 2));  // the kills did hit a working agent
  std::size_t missing = 0;
  for (const auto& id : kept) missing += stored.count(id) == 0;
  CHECK(missing == 0);
  // A report kept just before a kill may have no log line yet and still be delivered by the
  // next run; every stored report is this cluster's, whole.
  const auto all = collector.reports();
  for (const auto& report : all) {
    CHECK(report.clusterID == all.front().clusterID);
    CHECK(nlohmann::json::parse(report.report)["reportID"] == report.reportID);
  }
}
