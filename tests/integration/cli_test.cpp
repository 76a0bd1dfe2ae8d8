// What the two binaries refuse on the command line and in their configuration, and how they
// say so: exit code 2 and a message a person can act on (file:line, section, key).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <filesystem>

#include "collector_fixture.h"
#include "kubecensus/version.h"

using namespace kctest;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string exampleConfig(const std::string& name) {
  return std::string(KUBECENSUS_SOURCE_DIR) + "/config/" + name;
}

// The same mistake written in INI and in YAML; `line` is where the message must point.
struct BadConfig {
  std::string ini;
  int iniLine;
  std::string yaml;
  int yamlLine;
};

// Runs `kubecensus-agent --config <file> --check-config` on both spellings and checks that
// each is refused with exit 2 and a message naming file:line and every one of `needles`.
void checkRefused(const BadConfig& bad, const std::vector<std::string>& needles) {
  TempDir dir;
  const std::string ini = dir.write("agent.ini", bad.ini);
  const std::string yaml = dir.write("agent.yaml", bad.yaml);
  for (const auto& [path, line] : {std::pair{ini, bad.iniLine}, std::pair{yaml, bad.yamlLine}}) {
    RunResult result = runAgent({"--config", path, "--check-config"});
    INFO(path << ":\n" << result.output);
    CHECK(result.exitCode == 2);
    CHECK(contains(result.output, path + ":" + std::to_string(line) + ": "));
    for (const auto& needle : needles) CHECK(contains(result.output, needle));
    CHECK_FALSE(contains(result.output, "configuration ok"));
  }
}

}  // namespace

TEST_CASE("check-config refuses an unknown key with file:line and a suggestion") {
  checkRefused({"[agent]\nstate_dir = /tmp/unused\nperiodd = 1h\n", 3,  //
                "agent:\n  state_dir: /tmp/unused\n  periodd: 1h\n", 3},
               {"[agent] periodd", "unknown key 'periodd'", "did you mean 'period'"});
  // A plugin section's keys come from the plugin's own option table.
  checkRefused({"[sink.collector]\ntype = http\nurl = http://127.0.0.1:1\nurll = x\n", 4,
                "sink:\n  collector:\n    type: http\n    url: http://127.0.0.1:1\n    urll: x\n", 5},
               {"[sink.collector] urll", "did you mean 'url'"});
}

TEST_CASE("check-config refuses a value of the wrong type") {
  checkRefused({"[agent]\nstate_dir = /tmp/unused\nperiod = soon\n", 3,  //
                "agent:\n  state_dir: /tmp/unused\n  period: soon\n", 3},
               {"[agent] period", "\"soon\" is not a duration"});
}

TEST_CASE("check-config refuses a plugin section without a required option") {
  checkRefused({"[agent]\nstate_dir = /tmp/unused\n\n[sink.x]\ntype = http\n", 4,
                "agent:\n  state_dir: /tmp/unused\nsink:\n  x:\n    type: http\n", 4},
               {"[sink.x] url", "missing required option 'url'"});
}

TEST_CASE("check-config refuses an unknown plugin") {
  checkRefused({"[agent]\nstate_dir = /tmp/unused\n\n[sink.y]\ntype = nope\n", 5,
                "agent:\n  state_dir: /tmp/unused\nsink:\n  y:\n    type: nope\n", 5},
               {"[sink.y] type", "unknown sink plugin 'nope'", "http"});
}

TEST_CASE("the example configurations pass check-config") {
  for (const char* name : {"agent.ini", "agent.yaml"}) {
    RunResult result = runAgent({"--config", exampleConfig(name), "--check-config"});
    INFO(name << ":\n" << result.output);
    CHECK(result.exitCode == 0);
    CHECK(contains(result.output, "configuration ok"));
  }
  for (const char* name : {"collector.ini", "collector.yaml"}) {
    RunResult result = run(collectorBinary(), {"--config", exampleConfig(name), "--check-config"});
    INFO(name << ":\n" << result.output);
    CHECK(result.exitCode == 0);
    CHECK(contains(result.output, "configuration ok"));
  }
}

TEST_CASE("print-config masks secrets wherever they came from") {
  TempDir dir;
  const std::string path = dir.write("agent.ini",
                                     "[sink.collector]\ntype = http\nurl = http://127.0.0.1:1\n"
                                     "token = supersecret\n");
  RunResult printed =
      runAgent({"--config", path, "--set", "agent.state_dir=" + dir.file("state"), "--print-config"});
  INFO(printed.output);
  CHECK(printed.exitCode == 0);
  CHECK(contains(printed.output, "token = ********"));
  CHECK(contains(printed.output, "url = http://127.0.0.1:1"));  // what is not secret is shown
  CHECK_FALSE(contains(printed.output, "supersecret"));

  RunResult fromEnvironment = runAgent({"--config", path, "--print-config"},
                                       {{"KUBECENSUS_SINK_COLLECTOR_TOKEN", "environmentsecret"}});
  INFO(fromEnvironment.output);
  CHECK(fromEnvironment.exitCode == 0);
  CHECK(contains(fromEnvironment.output, "token = ********"));
  CHECK_FALSE(contains(fromEnvironment.output, "environmentsecret"));
  CHECK_FALSE(contains(fromEnvironment.output, "supersecret"));

  // Nor does a configuration error next to the secret quote it.
  const std::string broken = dir.write("broken.ini",
                                       "[sink.collector]\ntype = http\nurl = http://127.0.0.1:1\n"
                                       "token = supersecret\ntimeout = soon\n");
  RunResult refused = runAgent({"--config", broken, "--check-config"});
  INFO(refused.output);
  CHECK(refused.exitCode == 2);
  CHECK(contains(refused.output, broken + ":5: "));
  CHECK_FALSE(contains(refused.output, "supersecret"));
}

TEST_CASE("unknown flags and unknown or missing commands exit 2 while version exits 0") {
  RunResult flag = runAgent({"run", "--bogus"});
  CHECK(flag.exitCode == 2);
  CHECK(contains(flag.output, "--bogus"));
  RunResult collectorFlag = run(collectorBinary(), {"--bogus"});
  CHECK(collectorFlag.exitCode == 2);
  CHECK(contains(collectorFlag.output, "--bogus"));

  RunResult command = runAgent({"frobnicate"});
  CHECK(command.exitCode == 2);
  CHECK(contains(command.output, "unknown command 'frobnicate'"));
  RunResult none = runAgent({});
  CHECK(none.exitCode == 2);
  CHECK(contains(none.output, "run, preview, rbac-check, spool, status or history"));

  RunResult agentVersion = runAgent({"--version"});
  CHECK(agentVersion.exitCode == 0);
  CHECK(contains(agentVersion.output, std::string("kubecensus-agent ") + kubecensus::kVersion));
  RunResult collectorVersion = run(collectorBinary(), {"--version"});
  CHECK(collectorVersion.exitCode == 0);
  CHECK(contains(collectorVersion.output, std::string("kubecensus-collector ") + kubecensus::kVersion));
}

TEST_CASE("list-plugins shows each program's plugins with their options") {
  RunResult agent = runAgent({"--list-plugins"});
  INFO(agent.output);
  CHECK(agent.exitCode == 0);
  for (const char* line : {"source plugins:", "  host — ", "root (path, default /)", "sink plugins:",
                           "  http — ", "url (string, required)", "token (secret)", "  stdout — ",
                           "  file — ", "path (path, required)", "destination schemes: http,https"})
    CHECK(contains(agent.output, line));
  CHECK_FALSE(contains(agent.output, "  sqlite — "));  // a storage plugin is not the agent's

  RunResult collector = run(collectorBinary(), {"--list-plugins"});
  INFO(collector.output);
  CHECK(collector.exitCode == 0);
  for (const char* line : {"storage plugins:", "  sqlite — ", "path (path, default ./var/kubecensus.db)",
                           "synchronous (string, default FULL)", "busy_timeout (duration, default 5s)"})
    CHECK(contains(collector.output, line));
  CHECK_FALSE(contains(collector.output, "  http — "));
}

TEST_CASE("a database spec with an unknown scheme exits 2 naming the scheme") {
  TempDir dir;
  RunResult agent =
      runAgent({"run", "--once", "--database", "nope://x", "--set", "agent.state_dir=" + dir.file("s")});
  INFO(agent.output);
  CHECK(agent.exitCode == 2);
  CHECK(contains(agent.output, "no sink plugin handles 'nope'"));

  RunResult collector = run(collectorBinary(), {"--listen", "127.0.0.1:0", "--database", "nope://x"}, {},
                            std::chrono::seconds(10));
  INFO(collector.output);
  CHECK(collector.exitCode == 2);
  CHECK(contains(collector.output, "no storage plugin handles 'nope'"));
}

TEST_CASE("a plugin directory writable by group or others is refused and named") {
  TempDir dir;
  const std::string plugins = dir.file("plugins");
  fs::create_directory(plugins);
  fs::copy_file(buildPath("lib/kubecensus/plugins/sink-stdout.so"), plugins + "/sink-stdout.so");
  const std::vector<std::string> args{"--plugin-dir", plugins, "--set", "agent.state_dir=" + dir.file("s"),
                                      "--check-config"};

  REQUIRE(::chmod(plugins.c_str(), 0777) == 0);
  RunResult refused = runAgent(args);
  INFO(refused.output);
  CHECK(refused.exitCode == 2);
  CHECK(contains(refused.output, plugins + ": plugin directory is writable"));

  // Control: the same directory, not writable by others, is not refused for its mode (its
  // copy of the stdout plugin is then refused as a duplicate name instead).
  REQUIRE(::chmod(plugins.c_str(), 0755) == 0);
  RunResult safe = runAgent(args);
  INFO(safe.output);
  CHECK_FALSE(contains(safe.output, "writable"));
  CHECK(contains(safe.output, "duplicate plugin name 'stdout'"));
}

TEST_CASE("the sink that --database made takes --set refinements") {
  TempDir work;
  RunResult printed = runAgent({"--print-config", "--database", "http://127.0.0.1:1", "--set",
                                "sink.http.timeout=7s", "--set", "agent.state_dir=" + work.file("s")});
  INFO(printed.output);
  CHECK(printed.exitCode == 0);
  CHECK(contains(printed.output, "7s"));
}
