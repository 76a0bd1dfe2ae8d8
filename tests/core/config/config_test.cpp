#include "kubecensus/config/config.h"

#include <cstdlib>

#include <catch2/catch.hpp>

using namespace kubecensus;

TEST_CASE("Location::str names a file line, a variable or a flag", "[config]") {
  CHECK(Location{"agent.ini", 12, ""}.str() == "agent.ini:12");
  CHECK(Location{"environment", 0, "KUBECENSUS_AGENT_PERIOD"}.str() == "environment (KUBECENSUS_AGENT_PERIOD)");
  CHECK(Location{"command line", 0, "--period"}.str() == "command line (--period)");
  CHECK(Location{"agent.ini", 0, ""}.str() == "agent.ini");
}

TEST_CASE("ConfigIssue::str formats file:line: [section] key: message", "[config]") {
  ConfigIssue issue{Location{"agent.ini", 12, ""}, "sink.http", "timeout", "\"ten\" is not a duration"};
  CHECK(issue.str() == "agent.ini:12: [sink.http] timeout: \"ten\" is not a duration");
  CHECK(ConfigIssue{Location{"agent.ini", 3, ""}, "bogus", "", "unknown section"}.str() ==
        "agent.ini:3: [bogus] unknown section");
  CHECK(ConfigIssue{Location{"agent.yaml", 0, ""}, "", "", "cannot read"}.str() == "agent.yaml: cannot read");
  CHECK(ConfigIssue{Location{}, "collector", "database", "missing"}.str() == "[collector] database: missing");
}

TEST_CASE("ConfigError carries every issue and lists them in what()", "[config]") {
  ConfigError error({ConfigIssue{Location{"a.ini", 1, ""}, "agent", "x", "first"},
                     ConfigIssue{Location{"a.ini", 2, ""}, "agent", "y", "second"}});
  REQUIRE(error.issues().size() == 2);
  CHECK(std::string(error.what()) == "a.ini:1: [agent] x: first\na.ini:2: [agent] y: second");
  ConfigError single(ConfigIssue{Location{"a.ini", 5, ""}, "", "", "bad"});
  CHECK(std::string(single.what()) == "a.ini:5: bad");
}

TEST_CASE("ConfigSection find and set", "[config]") {
  ConfigSection section{"agent", Location{"a.ini", 1, ""}, {}};
  CHECK(section.find("period") == nullptr);
  section.set("period", "1m", Location{"a.ini", 2, ""});
  section.set("cluster_id", "c1", Location{"a.ini", 3, ""});
  section.set("period", "5m", Location{"environment", 0, "KUBECENSUS_AGENT_PERIOD"});
  REQUIRE(section.entries.size() == 2);
  const ConfigEntry* period = section.find("period");
  REQUIRE(period != nullptr);
  CHECK(period->value == "5m");
  CHECK(period->where.file == "environment");
  CHECK(section.entries[0].key == "period");  // replaced in place, order kept
}

TEST_CASE("Config getOrAdd, removeWithPrefix and merge", "[config]") {
  Config config;
  ConfigSection& agent = config.getOrAdd("agent", Location{"a.ini", 1, ""});
  agent.set("period", "1m", Location{"a.ini", 2, ""});
  config.getOrAdd("sink.http", Location{"a.ini", 4, ""}).set("url", "u1", Location{"a.ini", 5, ""});
  config.getOrAdd("sink.stdout", Location{"a.ini", 7, ""});
  CHECK(&config.getOrAdd("agent", Location{"b.ini", 1, ""}) == &config.sections()[0]);
  CHECK(config.find("agent")->where.file == "a.ini");

  Config later;
  later.getOrAdd("agent", Location{"b.ini", 1, ""}).set("period", "2m", Location{"b.ini", 2, ""});
  later.getOrAdd("agent", Location{"b.ini", 1, ""}).set("cluster_id", "c", Location{"b.ini", 3, ""});
  later.getOrAdd("source.host", Location{"b.ini", 5, ""});
  config.merge(later);
  REQUIRE(config.sections().size() == 4);
  CHECK(config.find("agent")->find("period")->value == "2m");
  CHECK(config.find("agent")->find("period")->where.str() == "b.ini:2");
  CHECK(config.find("agent")->find("cluster_id")->value == "c");
  CHECK(config.find("source.host") != nullptr);

  config.removeWithPrefix("sink.");
  REQUIRE(config.sections().size() == 2);
  CHECK(config.find("sink.http") == nullptr);
  CHECK(config.find("sink.stdout") == nullptr);
  const Config& constConfig = config;
  CHECK(constConfig.find("agent") != nullptr);
  CHECK(constConfig.find("nope") == nullptr);
}

TEST_CASE("currentEnvironment reads the process environment", "[config]") {
  ::setenv("KUBECENSUS_CONFIG_TEST_VAR", "a=b", 1);
  Environment env = currentEnvironment();
  CHECK(env.at("KUBECENSUS_CONFIG_TEST_VAR") == "a=b");
  ::unsetenv("KUBECENSUS_CONFIG_TEST_VAR");
  CHECK(currentEnvironment().count("KUBECENSUS_CONFIG_TEST_VAR") == 0);
}
