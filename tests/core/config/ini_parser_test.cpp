#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"

using namespace kubecensus;
using kctest::issueOf;
using kctest::issuesOf;

namespace {

Config ini(const std::string& text, const Environment& env = {}) { return parseIni(text, "agent.ini", env); }

}  // namespace

TEST_CASE("INI sections, keys, comments and line numbers", "[ini]") {
  Config config = ini(
      "; leading comment\n"
      "# another\n"
      "\n"
      "[agent]\n"
      "period = 1m\n"
      "  cluster_id=abc  \n"
      "[sink.http]   ; trailing comment on a header\n"
      "url = https://example.com/#frag ; the # in the URL is kept\n"
      "headers = a;b  # semicolon without space kept\n"
      "empty =\n"
      "also_empty = ; only a comment\n");
  REQUIRE(config.sections().size() == 2);
  const ConfigSection& agent = config.sections()[0];
  CHECK(agent.name == "agent");
  CHECK(agent.where.str() == "agent.ini:4");
  REQUIRE(agent.entries.size() == 2);
  CHECK(agent.entries[0].key == "period");
  CHECK(agent.entries[0].value == "1m");
  CHECK(agent.entries[0].where.str() == "agent.ini:5");
  CHECK(agent.entries[1].key == "cluster_id");
  CHECK(agent.entries[1].value == "abc");
  CHECK(agent.entries[1].where.line == 6);

  const ConfigSection& http = config.sections()[1];
  CHECK(http.name == "sink.http");
  CHECK(http.where.line == 7);
  CHECK(http.find("url")->value == "https://example.com/#frag");
  CHECK(http.find("headers")->value == "a;b");
  CHECK(http.find("empty")->value == "");
  CHECK(http.find("also_empty")->value == "");
}

TEST_CASE("INI double-quoted values keep comment characters and unescape", "[ini]") {
  Config config = ini(
      "[agent]\n"
      "a = \"  spaced ; not a comment # either  \"\n"
      "b = \"say \\\"hi\\\" \\\\ done\" ; comment after quotes\n"
      "c = \"C:\\dir\"\n"
      "d = \"\"\n"
      "e = x \"y ; z\" ; real comment\n");
  const ConfigSection& agent = config.sections()[0];
  CHECK(agent.find("a")->value == "  spaced ; not a comment # either  ");
  CHECK(agent.find("b")->value == "say \"hi\" \\ done");
  CHECK(agent.find("c")->value == "C:\\dir");
  CHECK(agent.find("d")->value == "");
  CHECK(agent.find("e")->value == "x \"y ; z\"");
}

TEST_CASE("INI handles CRLF line endings and a missing final newline", "[ini]") {
  Config config = ini("[agent]\r\nperiod = 1m\r\ncluster_id = c");
  const ConfigSection& agent = config.sections()[0];
  CHECK(agent.find("period")->value == "1m");
  CHECK(agent.find("cluster_id")->value == "c");
  CHECK(agent.find("cluster_id")->where.line == 3);
  CHECK(ini("").sections().empty());
  CHECK(ini("\n; nothing\n").sections().empty());
}

TEST_CASE("INI duplicate section headers merge", "[ini]") {
  Config config = ini("[agent]\nperiod = 1m\n[sink.http]\nurl = u\n[agent]\ncluster_id = c\n");
  REQUIRE(config.sections().size() == 2);
  CHECK(config.sections()[0].name == "agent");
  CHECK(config.sections()[0].where.line == 1);
  CHECK(config.sections()[0].entries.size() == 2);
  CHECK(config.sections()[0].find("cluster_id")->where.line == 6);
}

TEST_CASE("INI values are substituted", "[ini]") {
  Config config = ini("[sink.http]\nurl = https://${HOST}/v1\ntoken = \"${TOKEN:-none}\"\ncost = $$5\n",
                      {{"HOST", "example.com"}});
  const ConfigSection& http = config.sections()[0];
  CHECK(http.find("url")->value == "https://example.com/v1");
  CHECK(http.find("token")->value == "none");
  CHECK(http.find("cost")->value == "$5");
}

TEST_CASE("INI errors name file, line, section and key", "[ini]") {
  SECTION("entry before any section") {
    auto issue = issueOf([] { ini("; header\nperiod = 1m\n"); });
    CHECK(issue.where.str() == "agent.ini:2");
    CHECK(issue.key == "period");
    CHECK_THAT(issue.message, Catch::Contains("outside of any section"));
  }
  SECTION("duplicate key names both lines") {
    auto issue = issueOf([] { ini("[agent]\nperiod = 1m\n\nperiod = 2m\n"); });
    CHECK(issue.where.str() == "agent.ini:4");
    CHECK(issue.section == "agent");
    CHECK(issue.key == "period");
    CHECK_THAT(issue.message, Catch::Contains("duplicate") && Catch::Contains("agent.ini:2"));
    CHECK_THAT(issue.str(), Catch::StartsWith("agent.ini:4: [agent] period: duplicate key"));
  }
  SECTION("duplicate key across merged section headers") {
    auto issue = issueOf([] { ini("[agent]\nperiod = 1m\n[sink.x]\n[agent]\nperiod = 2m\n"); });
    CHECK(issue.where.line == 5);
    CHECK_THAT(issue.message, Catch::Contains("agent.ini:2"));
  }
  SECTION("keys are case-sensitive lower-case names") {
    auto issue = issueOf([] { ini("[agent]\nPeriod = 1m\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.key == "Period");
    CHECK_THAT(issue.message, Catch::Contains("invalid key"));
    CHECK(issueOf([] { ini("[agent]\nmy-key = 1\n"); }).key == "my-key");
    CHECK(issueOf([] { ini("[agent]\nmy key = 1\n"); }).key == "my key");
  }
  SECTION("missing key") {
    auto issue = issueOf([] { ini("[agent]\n = 1\n"); });
    CHECK(issue.where.line == 2);
    CHECK_THAT(issue.message, Catch::Contains("missing key"));
  }
  SECTION("a line that is neither entry nor header, without echoing it") {
    auto issue = issueOf([] { ini("[agent]\nsecret-token-abc\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.section == "agent");
    CHECK_THAT(issue.message, Catch::Contains("key = value"));
    CHECK_THAT(issue.str(), !Catch::Contains("secret-token-abc"));
  }
  SECTION("unterminated header") {
    auto issue = issueOf([] { ini("[agent\nperiod = 1m\n"); });
    CHECK(issue.where.line == 1);
    CHECK_THAT(issue.message, Catch::Contains("']'"));
  }
  SECTION("text after a header") {
    auto issue = issueOf([] { ini("[agent] x\n"); });
    CHECK(issue.section == "agent");
    CHECK_THAT(issue.message, Catch::Contains("after section header"));
  }
  SECTION("invalid section name; its entries are not reported again") {
    auto issue = issueOf([] { ini("[Sink.HTTP]\nurl = u\n"); });
    CHECK(issue.where.line == 1);
    CHECK(issue.section == "Sink.HTTP");
    CHECK_THAT(issue.message, Catch::Contains("invalid section name"));
    CHECK(issueOf([] { ini("[]\n"); }).where.line == 1);
    CHECK(issueOf([] { ini("[sink..http]\n"); }).section == "sink..http");
  }
  SECTION("unterminated quote") {
    auto issue = issueOf([] { ini("[agent]\ncluster_id = \"abc\n"); });
    CHECK(issue.where.line == 2);
    CHECK(issue.key == "cluster_id");
    CHECK_THAT(issue.message, Catch::Contains("unterminated"));
  }
  SECTION("text after a closing quote") {
    auto issue = issueOf([] { ini("[agent]\ncluster_id = \"abc\" def\n"); });
    CHECK(issue.key == "cluster_id");
    CHECK_THAT(issue.message, Catch::Contains("after closing quote"));
  }
  SECTION("failed substitution") {
    auto issue = issueOf([] { ini("[sink.http]\n\nurl = ${MISSING}\n"); });
    CHECK(issue.str() ==
          "agent.ini:3: [sink.http] url: environment variable MISSING is not set (use ${MISSING:-} for an empty "
          "default)");
  }
}

TEST_CASE("INI reports every error in the file, not just the first", "[ini]") {
  auto issues = issuesOf([] { ini("stray = 1\n[agent]\nBad = 1\nperiod = 1\nperiod = 2\nurl = ${X}\n"); });
  REQUIRE(issues.size() == 4);
  CHECK(issues[0].where.line == 1);
  CHECK(issues[1].where.line == 3);
  CHECK(issues[2].where.line == 5);
  CHECK(issues[3].where.line == 6);
}
