#include <filesystem>

#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::flatten;
using kctest::issueOf;

namespace {

const char* kIni = R"(; The agent, as an operator would write it.
[agent]
cluster_id = ${CLUSTER}
period = 1h30m
extensions = region,zone
api_key = "${file:SECRET_PATH}"

[sink.http]
url = https://example.com/v1
headers = a,b
timeout = 30s

[sink.stdout]

[source.host]
interval = ${INTERVAL:-5m}
)";

const char* kYaml = R"(# The same configuration in YAML.
agent:
  cluster_id: ${CLUSTER}
  period: 1h30m
  extensions: [region, zone]
  api_key: "${file:SECRET_PATH}"
sink:
  http:
    url: https://example.com/v1
    headers:
      - a
      - b
    timeout: 30s
  stdout: {}
source:
  host:
    interval: ${INTERVAL:-5m}
)";

std::string withSecretPath(std::string text, const std::string& path) {
  auto at = text.find("SECRET_PATH");
  return text.replace(at, 11, path);
}

}  // namespace

TEST_CASE("INI and YAML give the same Config for equivalent files", "[config_file]") {
  kctest::TempDir dir;
  std::string secret = dir.write("api-key", "k3y\n");
  Environment env{{"CLUSTER", "prod-1"}};
  std::string ini = dir.write("agent.ini", withSecretPath(kIni, secret));
  std::string yaml = dir.write("agent.yaml", withSecretPath(kYaml, secret));
  Config fromIni = loadConfigFile(ini, env);
  Config fromYaml = loadConfigFile(yaml, env);
  CHECK(flatten(fromIni) == flatten(fromYaml));
  // And the shared content is what was written.
  REQUIRE(fromIni.find("agent") != nullptr);
  CHECK(fromIni.find("agent")->find("cluster_id")->value == "prod-1");
  CHECK(fromYaml.find("agent")->find("extensions")->value == "region,zone");
  CHECK(fromIni.find("agent")->find("api_key")->value == "k3y");
  CHECK(fromYaml.find("source.host")->find("interval")->value == "5m");
  CHECK(fromIni.find("sink.stdout")->entries.empty());
  CHECK(fromIni.find("agent")->find("period")->where.str() == ini + ":4");
  CHECK(fromYaml.find("agent")->find("period")->where.str() == yaml + ":4");
}

TEST_CASE("INI and YAML fixtures without lists agree exactly", "[config_file]") {
  const char* ini = "[agent]\nperiod = 5m\n[sink.http]\nurl = \"u ; v\"\nretries = 3\n";
  const char* yaml = "agent: {period: 5m}\nsink:\n  http:\n    url: \"u ; v\"\n    retries: 3\n";
  CHECK(flatten(parseIni(ini, "a.ini", {})) == flatten(parseYaml(yaml, "a.yaml", {})));
}

TEST_CASE("loadConfigFile chooses the format by extension", "[config_file]") {
  kctest::TempDir dir;
  const char* iniText = "[agent]\nperiod = 1m\n";
  const char* yamlText = "agent:\n  period: 1m\n";
  for (const char* name : {"a.ini", "a.conf"}) {
    INFO(name);
    CHECK(loadConfigFile(dir.write(name, iniText), {}).find("agent")->find("period")->value == "1m");
  }
  for (const char* name : {"a.yaml", "a.yml"}) {
    INFO(name);
    CHECK(loadConfigFile(dir.write(name, yamlText), {}).find("agent")->find("period")->value == "1m");
  }
  // YAML text in an .ini file is read as INI, and fails as INI.
  auto issues = kctest::issuesOf([&] { loadConfigFile(dir.write("wrong.ini", yamlText), {}); });
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].where.str() == dir.file("wrong.ini") + ":1");
  CHECK(issues[1].where.str() == dir.file("wrong.ini") + ":2");
}

TEST_CASE("loadConfigFile errors name the path", "[config_file]") {
  kctest::TempDir dir;
  SECTION("unknown extension") {
    std::string path = dir.write("agent.toml", "");
    auto issue = issueOf([&] { loadConfigFile(path, {}); });
    CHECK(issue.where.file == path);
    CHECK(issue.message == "unknown config format (use .ini, .conf, .yaml or .yml)");
    CHECK(issueOf([&] { loadConfigFile(dir.write("agent", ""), {}); }).message ==
          "unknown config format (use .ini, .conf, .yaml or .yml)");
  }
  SECTION("missing file") {
    auto issue = issueOf([&] { loadConfigFile(dir.file("absent.ini"), {}); });
    CHECK(issue.where.file == dir.file("absent.ini"));
    CHECK_THAT(issue.str(), Catch::StartsWith(dir.file("absent.ini") + ": ") && Catch::Contains("No such file"));
  }
  SECTION("a directory") {
    std::string path = dir.path() + "/conf.d.yaml";
    std::filesystem::create_directory(path);
    auto issue = issueOf([&] { loadConfigFile(path, {}); });
    CHECK_THAT(issue.str(), Catch::StartsWith(path + ": ") && Catch::Contains("directory"));
  }
  SECTION("syntax errors carry the path") {
    std::string path = dir.write("bad.yaml", "agent:\n  period: [\n");
    auto issue = issueOf([&] { loadConfigFile(path, {}); });
    CHECK(issue.where.file == path);
  }
}
