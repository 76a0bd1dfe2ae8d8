#include <algorithm>

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"

using namespace kubecensus;

namespace {

const std::vector<std::pair<std::string, std::vector<std::string>>> kKnown = {
    {"agent", {"period", "cluster_id", "state_dir"}},
    {"sink.http", {"url", "max_body", "type", "enabled"}},
    {"source.host-2", {"interval"}},
};

}  // namespace

TEST_CASE("environment overrides set known keys with their variable as location", "[env]") {
  Config config = parseIni("[agent]\nperiod = 1m\ncluster_id = from-file\n", "agent.ini", {});
  Environment env{{"KUBECENSUS_AGENT_PERIOD", "5m"},
                  {"KUBECENSUS_SINK_HTTP_URL", "https://override"},
                  {"KUBECENSUS_SINK_HTTP_MAX_BODY", "2MiB"},
                  {"KUBECENSUS_SOURCE_HOST_2_INTERVAL", "30s"},
                  {"HOME", "/root"},
                  {"kubecensus_agent_period", "lower-case is not ours"}};
  auto unmatched = applyEnvironmentOverrides(config, env, kKnown);
  CHECK(unmatched.empty());

  const ConfigEntry* period = config.find("agent")->find("period");
  CHECK(period->value == "5m");
  CHECK(period->where.file == "environment");
  CHECK(period->where.line == 0);
  CHECK(period->where.detail == "KUBECENSUS_AGENT_PERIOD");
  CHECK(period->where.str() == "environment (KUBECENSUS_AGENT_PERIOD)");
  // Untouched keys keep their file location.
  CHECK(config.find("agent")->find("cluster_id")->where.str() == "agent.ini:3");

  // Known sections that were not in the file are created.
  const ConfigSection* http = config.find("sink.http");
  REQUIRE(http != nullptr);
  CHECK(http->where.str() == "environment (KUBECENSUS_SINK_HTTP_MAX_BODY)");  // the first variable, in name order
  CHECK(http->find("url")->value == "https://override");
  CHECK(http->find("max_body")->value == "2MiB");
  CHECK(config.find("source.host-2")->find("interval")->value == "30s");
}

TEST_CASE("environment overrides report unmatched KUBECENSUS_ variables", "[env]") {
  Config config;
  Environment env{{"KUBECENSUS_AGENT_PERIODD", "5m"},
                  {"KUBECENSUS_SINK_HTTPS_URL", "x"},
                  {"KUBECENSUS_DISABLED", "true"},
                  {"KUBECENSUS_PLUGIN_DIR", "/opt"},
                  {"KUBECENSUS_", "x"},
                  {"PATH", "/bin"}};
  auto unmatched = applyEnvironmentOverrides(config, env, kKnown);
  CHECK(unmatched == std::vector<std::string>{"KUBECENSUS_", "KUBECENSUS_AGENT_PERIODD", "KUBECENSUS_PLUGIN_DIR",
                                              "KUBECENSUS_SINK_HTTPS_URL"});
  CHECK(config.sections().empty());  // nothing matched, nothing created

  // The caller can name more variables that it reads itself.
  unmatched = applyEnvironmentOverrides(config, env, kKnown, {"KUBECENSUS_PLUGIN_DIR"});
  CHECK(unmatched == std::vector<std::string>{"KUBECENSUS_", "KUBECENSUS_AGENT_PERIODD", "KUBECENSUS_SINK_HTTPS_URL"});
  CHECK(std::find(kEnvironmentNonOverrides.begin(), kEnvironmentNonOverrides.end(), "KUBECENSUS_DISABLED") !=
        kEnvironmentNonOverrides.end());
}

TEST_CASE("environment override values are taken literally", "[env]") {
  Config config;
  Environment env{{"KUBECENSUS_AGENT_CLUSTER_ID", "${NOT_EXPANDED}$$"}};
  applyEnvironmentOverrides(config, env, kKnown);
  CHECK(config.find("agent")->find("cluster_id")->value == "${NOT_EXPANDED}$$");
}

TEST_CASE("environment overrides with no known keys match nothing", "[env]") {
  Config config;
  auto unmatched = applyEnvironmentOverrides(config, {{"KUBECENSUS_AGENT_PERIOD", "1m"}}, {});
  CHECK(unmatched == std::vector<std::string>{"KUBECENSUS_AGENT_PERIOD"});
}
