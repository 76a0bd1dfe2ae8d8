#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"

using namespace kubecensus;
using kctest::issueOf;
using kctest::issuesOf;

namespace {

Config yaml(const std::string& text, const Environment& env = {}) { return parseYaml(text, "agent.yaml", env); }

}  // namespace

TEST_CASE("YAML sections and plugin groups", "[yaml]") {
  Config config = yaml(
      "# comment\n"
      "agent:\n"
      "  period: 1m\n"
      "  cluster_id: \"abc\"\n"
      "  verbose: yes\n"
      "  workers: 2\n"
      "sink:\n"
      "  http:\n"
      "    url: https://example.com/v1\n"
      "    headers: [a, b]\n"
      "    token:\n"
      "  stdout: {pretty: true}\n"
      "source:\n"
      "  host:\n");
  REQUIRE(config.sections().size() == 4);
  const ConfigSection& agent = config.sections()[0];
  CHECK(agent.name == "agent");
  CHECK(agent.where.str() == "agent.yaml:2");
  CHECK(agent.find("period")->value == "1m");
  CHECK(agent.find("period")->where.str() == "agent.yaml:3");
  CHECK(agent.find("cluster_id")->value == "abc");
  CHECK(agent.find("verbose")->value == "yes");  // scalars keep their text
  CHECK(agent.find("workers")->value == "2");

  const ConfigSection& http = config.sections()[1];
  CHECK(http.name == "sink.http");
  CHECK(http.where.line == 8);
  CHECK(http.find("url")->value == "https://example.com/v1");
  CHECK(http.find("url")->where.line == 9);
  CHECK(http.find("headers")->value == "a,b");
  CHECK(http.find("token")->value == "");  // null is empty

  CHECK(config.sections()[2].name == "sink.stdout");
  CHECK(config.sections()[2].find("pretty")->value == "true");
  // An instance with no options at all is still a section.
  CHECK(config.sections()[3].name == "source.host");
  CHECK(config.sections()[3].entries.empty());
  CHECK(config.sections()[3].where.line == 14);
}

TEST_CASE("YAML block sequences join with commas and values are substituted", "[yaml]") {
  Config config = yaml(
      "agent:\n"
      "  extensions:\n"
      "    - first\n"
      "    - ${SECOND}\n"
      "    - \"$$third\"\n"
      "  cluster_id: ${CLUSTER:-default-id}\n"
      "  empty_list: []\n",
      {{"SECOND", "two"}});
  const ConfigSection& agent = config.sections()[0];
  CHECK(agent.find("extensions")->value == "first,two,$third");
  CHECK(agent.find("extensions")->where.line == 2);
  CHECK(agent.find("cluster_id")->value == "default-id");
  CHECK(agent.find("empty_list")->value == "");
}

TEST_CASE("YAML dotted top-level keys and empty documents", "[yaml]") {
  Config config = yaml("sink.http:\n  url: u\n");
  REQUIRE(config.sections().size() == 1);
  CHECK(config.sections()[0].name == "sink.http");
  CHECK(yaml("").sections().empty());
  CHECK(yaml("# only a comment\n").sections().empty());
  CHECK(yaml("agent: {}\n").sections()[0].entries.empty());
}

TEST_CASE("YAML errors name file, line and key", "[yaml]") {
  SECTION("top level is not a mapping") {
    auto issue = issueOf([] { yaml("- a\n- b\n"); });
    CHECK(issue.where.str() == "agent.yaml:1");
    CHECK_THAT(issue.message, Catch::Contains("top level must be a mapping"));
  }
  SECTION("top-level scalar") {
    auto issue = issueOf([] { yaml("agent:\n  period: 1m\nperiod: 5m\n"); });
    CHECK(issue.where.str() == "agent.yaml:3");
    CHECK(issue.section == "period");
    CHECK_THAT(issue.message, Catch::Contains("must be a section"));
  }
  SECTION("null section") {
    auto issue = issueOf([] { yaml("\nagent:\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.section == "agent");
    CHECK_THAT(issue.message, Catch::Contains("empty"));
  }
  SECTION("top-level sequence") {
    auto issue = issueOf([] { yaml("agent: [a, b]\n"); });
    CHECK(issue.section == "agent");
    CHECK_THAT(issue.message, Catch::Contains("a sequence"));
  }
  SECTION("nested too deep") {
    auto issue = issueOf([] { yaml("sink:\n  http:\n    tls:\n      ca: x\n"); });
    CHECK(issue.where.str() == "agent.yaml:3");
    CHECK(issue.section == "sink.http");
    CHECK(issue.key == "tls");
    CHECK_THAT(issue.message, Catch::Contains("nested too deep"));
  }
  SECTION("a group mixing instances and values") {
    auto issue = issueOf([] { yaml("sink:\n  http:\n    url: u\n  timeout: 5s\n"); });
    CHECK(issue.where.line == 4);
    CHECK(issue.section == "sink");
    CHECK(issue.key == "timeout");
    CHECK_THAT(issue.message, Catch::Contains("mapping"));
  }
  SECTION("a plugin group with a scalar instance") {
    auto issue = issueOf([] { yaml("sink:\n  http: yes\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.key == "http");
  }
  SECTION("list items that are mappings or contain commas") {
    auto issues = issuesOf([] { yaml("agent:\n  extensions:\n    - {a: b}\n    - \"x,y\"\n"); });
    REQUIRE(issues.size() == 2);
    CHECK(issues[0].where.line == 3);
    CHECK(issues[0].key == "extensions");
    CHECK(issues[1].where.line == 4);
    CHECK_THAT(issues[1].message, Catch::Contains("','"));
  }
  SECTION("invalid key") {
    auto issue = issueOf([] { yaml("agent:\n  Period: 1m\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.key == "Period");
  }
  SECTION("invalid section name") {
    auto issue = issueOf([] { yaml("Agent:\n  period: 1m\n"); });
    CHECK(issue.where.line == 1);
    CHECK(issue.section == "Agent");
  }
  SECTION("duplicate key names both lines") {
    auto issue = issueOf([] { yaml("agent:\n  period: 1m\n  period: 2m\n"); });
    CHECK(issue.where.line == 3);
    CHECK_THAT(issue.message, Catch::Contains("agent.yaml:2"));
  }
  SECTION("syntax error") {
    auto issue = issueOf([] { yaml("agent:\n  period: 1m\n  cluster_id: [unclosed\n"); });
    CHECK(issue.where.file == "agent.yaml");
    CHECK(issue.where.line >= 3);
    CHECK_THAT(issue.message, Catch::Contains("YAML syntax error"));
  }
  SECTION("failed substitution") {
    auto issue = issueOf([] { yaml("sink:\n  http:\n    url: ${NOPE}\n"); });
    CHECK(issue.str() ==
          "agent.yaml:3: [sink.http] url: environment variable NOPE is not set (use ${NOPE:-} for an empty "
          "default)");
  }
  SECTION("failed substitution in a list item names the item's line") {
    auto issue = issueOf([] { yaml("agent:\n  extensions:\n    - a\n    - ${NOPE}\n"); });
    CHECK(issue.where.line == 4);
    CHECK(issue.key == "extensions");
  }
}
