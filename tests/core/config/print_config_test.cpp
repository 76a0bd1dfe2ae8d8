#include <catch2/catch.hpp>

#include "config_test_support.h"
#include "kubecensus/config/config_file.h"
#include "kubecensus/config/validate.h"

using namespace kubecensus;

namespace {

struct Printed {
  Config config;
  ValidatedConfig validated;
  std::string text;
};

Printed print(Config config) {
  PluginRegistry registry;
  kctest::registerTestPlugins(registry);
  std::vector<ConfigIssue> issues;
  Printed out;
  out.validated = validateConfig(config, kctest::agentSchema(), {PluginKind::Source, PluginKind::Sink}, registry, issues);
  for (const auto& issue : issues) UNSCOPED_INFO(issue.str());
  REQUIRE(issues.empty());
  out.text = printConfig(config, out.validated, kctest::agentSchema());
  out.config = std::move(config);
  return out;
}

// The line of `text` that starts with `prefix`.
std::string lineStarting(const std::string& text, const std::string& prefix) {
  std::size_t at = text.rfind("\n" + prefix, text.size());
  if (text.starts_with(prefix)) at = 0; else if (at != std::string::npos) ++at;
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE("printConfig prints every option with where it came from", "[print_config]") {
  Config config = parseIni(
      "[agent]\n"
      "cluster_id = c1\n"
      "period = 1h\n"
      "[sink.main]\n"
      "type = http\n"
      "url = https://example.com\n"
      "[sink.stdout]\n",
      "agent.ini", {});
  Location env{"environment", 0, "KUBECENSUS_AGENT_WORKERS"};
  config.find("agent")->set("workers", "4", env);
  Location flag{"command line", 0, "--period"};
  config.find("agent")->set("period", "5m", flag);
  Printed p = print(std::move(config));
  const std::string& text = p.text;
  INFO(text);

  CHECK(text.starts_with("[agent]\n"));
  CHECK_THAT(lineStarting(text, "cluster_id = c1"), Catch::EndsWith("; from agent.ini:2"));
  CHECK_THAT(lineStarting(text, "period = 5m"), Catch::EndsWith("; from command line (--period)"));
  CHECK_THAT(lineStarting(text, "workers = 4"), Catch::EndsWith("; from environment (KUBECENSUS_AGENT_WORKERS)"));
  CHECK_THAT(lineStarting(text, "state_dir = /var/lib/kubecensus"), Catch::EndsWith("; default"));
  CHECK_THAT(lineStarting(text, "max_buffer = 10MiB"), Catch::EndsWith("; default"));
  CHECK_THAT(lineStarting(text, "; extensions ="), Catch::EndsWith("; not set"));

  CHECK_THAT(text, Catch::Contains("\n[sink.main]\n"));
  CHECK_THAT(lineStarting(text, "type = http"), Catch::EndsWith("; from agent.ini:5"));
  CHECK_THAT(lineStarting(text, "url = https://example.com"), Catch::EndsWith("; from agent.ini:6"));
  CHECK_THAT(lineStarting(text, "timeout = 10s"), Catch::EndsWith("; default"));
  CHECK_THAT(lineStarting(text, "retries = 3"), Catch::EndsWith("; default"));
  CHECK_THAT(text, Catch::Contains("\n[sink.stdout]\n"));
  CHECK_THAT(lineStarting(text, "type = stdout"), Catch::EndsWith("; default (the instance name)"));
  CHECK_THAT(lineStarting(text, "pretty = false"), Catch::EndsWith("; default"));
}

TEST_CASE("printConfig masks secrets wherever they come from", "[print_config]") {
  Config config = parseIni(
      "[agent]\n"
      "api_key = hunter2-from-file\n"
      "[sink.http]\n"
      "url = https://example.com\n",
      "agent.ini", {});
  config.find("sink.http")->set("token", "hunter2-from-env", Location{"environment", 0, "KUBECENSUS_SINK_HTTP_TOKEN"});
  Printed p = print(std::move(config));
  INFO(p.text);
  CHECK_THAT(p.text, !Catch::Contains("hunter2"));
  CHECK_THAT(lineStarting(p.text, "api_key = ********"), Catch::EndsWith("; from agent.ini:2"));
  CHECK_THAT(lineStarting(p.text, "token = ********"),
             Catch::EndsWith("; from environment (KUBECENSUS_SINK_HTTP_TOKEN)"));
}

TEST_CASE("printConfig output parses back to the same values", "[print_config]") {
  Config config = parseIni(
      "[agent]\n"
      "cluster_id = \"  a ; b # c \\\"q\\\" \\\\ $$HOME\"\n"
      "extensions = x,y\n"
      "[sink.http]\n"
      "url = https://example.com/#frag\n",
      "agent.ini", {});
  Printed p = print(std::move(config));
  INFO(p.text);
  Config reparsed = parseIni(p.text, "printed.ini", {});  // would throw on an unescaped ${
  CHECK(reparsed.find("agent")->find("cluster_id")->value == "  a ; b # c \"q\" \\ $HOME");
  CHECK(reparsed.find("agent")->find("extensions")->value == "x,y");
  CHECK(reparsed.find("agent")->find("period")->value == "24h");
  CHECK(reparsed.find("sink.http")->find("url")->value == "https://example.com/#frag");
  CHECK(reparsed.find("sink.http")->find("type")->value == "http");
  CHECK(reparsed.find("agent")->find("extensions")->where.line > 0);
  CHECK(reparsed.find("agent")->find("api_key") == nullptr);  // unset: printed as a comment
}

TEST_CASE("printConfig notes disabled instances", "[print_config]") {
  Printed p = print(parseIni("[sink.http]\nenabled = false\nurl = https://secret-host\n[sink.stdout]\n", "agent.ini", {}));
  INFO(p.text);
  CHECK_THAT(p.text, !Catch::Contains("[sink.http]\n"));
  CHECK_THAT(p.text, Catch::Contains("; [sink.http] is disabled") && Catch::Contains("agent.ini:2"));
  CHECK_THAT(p.text, Catch::Contains("[sink.stdout]\n"));
}
