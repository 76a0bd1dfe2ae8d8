// Startup::finish(): validation problems, and the answers to --check-config, --print-config,
// --help, --version and --list-plugins.
#include "kubecensus/app/startup.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "app_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kctest;
using Args = std::vector<std::string>;

TEST_CASE("finish() prints every configuration problem and returns 2", "[startup]") {
  kctest::TempDir tmp;
  struct Case {
    const char* ini;
    std::string expected;  // after "<file>:"
  };
  const std::vector<Case> cases = {
      {"[test]\nperoid = 1h\n", "2: [test] peroid: unknown key 'peroid'"},
      {"[test]\nthreads = many\n", "2: [test] threads: \"many\" is not an integer"},
      {"[sink.http]\nformat = native\n", "1: [sink.http] url: missing required option 'url'"},
      {"[sink.nope]\n", "1: [sink.nope] unknown sink plugin 'nope'"},
      {"[sink.http]\nurl = http://c\ntimeout = soon\n", "3: [sink.http] timeout: \"soon\" is not a duration"},
  };
  for (const auto& c : cases) {
    for (bool check : {false, true}) {
      std::string file = tmp.write("bad.ini", c.ini);
      Args args{"--config", file};
      if (check) args.push_back("--check-config");
      INFO(c.ini << (check ? "with --check-config" : ""));
      Finished result = finish(args);
      CHECK(result.code == kExitUsage);
      CHECK_THAT(result.err, Catch::Contains(file + ":" + c.expected));
      CHECK_THAT(result.out, !Catch::Contains("configuration ok"));
    }
  }
}

TEST_CASE("finish() reports all problems at once, one per line", "[startup]") {
  kctest::TempDir tmp;
  std::string file = tmp.write("bad.ini",
                               "[test]\nperoid = 1h\nthreads = many\n"
                               "[sink.http]\nformat = native\n"
                               "[sink.nope]\n");
  Finished result = finish({"--config", file, "--check-config"});
  CHECK(result.code == kExitUsage);
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 4);
  CHECK_THAT(result.err, Catch::Contains("peroid") && Catch::Contains("many") && Catch::Contains("'url'") &&
                             Catch::Contains("'nope'"));
}

TEST_CASE("a valid configuration passes --check-config, which says so and returns 0", "[startup]") {
  kctest::TempDir tmp;
  std::string file = tmp.write("ok.ini", "[test]\nperiod = 1h\n[sink.http]\nurl = http://c:8080\n");
  Finished result = finish({"--config", file, "--check-config"});
  CHECK(result.code == kExitOk);
  CHECK(result.out == "configuration ok\n");
  CHECK(result.err.empty());
}

TEST_CASE("a valid configuration without an answering flag goes on", "[startup]") {
  Finished result = finish({});
  CHECK(result.code == -1);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

TEST_CASE("the --print-config output shows values and their origin, with secrets masked", "[startup]") {
  kctest::TempDir tmp;
  std::string file = tmp.write("p.ini", "[sink.http]\nurl = http://c:8080\ntoken = s3cret-t0ken\n");
  Finished result = finish({"--config", file, "--set", "test.period=1h", "--print-config"});
  CHECK(result.code == kExitOk);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("token = ********"));
  CHECK_THAT(result.out, !Catch::Contains("s3cret-t0ken"));
  CHECK_THAT(result.out, Catch::Contains("url = http://c:8080") && Catch::Contains("; from " + file + ":2"));
  CHECK_THAT(result.out,
             Catch::Contains("period = 1h") && Catch::Contains("from command line (--set test.period)"));
  CHECK_THAT(result.out, Catch::Contains("[source.host]"));  // the default source is part of it
}

TEST_CASE("with an invalid configuration --print-config prints the problems instead", "[startup]") {
  kctest::TempDir tmp;
  std::string file = tmp.write("p.ini", "[sink.http]\ntoken = s3cret-t0ken\n");
  Finished result = finish({"--config", file, "--print-config"});
  CHECK(result.code == kExitUsage);
  CHECK_THAT(result.err, Catch::Contains("missing required option 'url'"));
  CHECK_THAT(result.out + result.err, !Catch::Contains("s3cret-t0ken"));
}

TEST_CASE("the --help and --version answers need no configuration", "[startup]") {
  Args missingConfig{"--config", "/nonexistent/kubecensus.ini"};
  SECTION("--help") {
    Args args = missingConfig;
    args.push_back("--help");
    Finished result = finish(args);
    CHECK(result.code == kExitOk);
    CHECK(result.out.rfind("Usage: kubecensus-test [flags]\n", 0) == 0);
    CHECK_THAT(result.out, Catch::Contains("--period DURATION") && Catch::Contains("--check-config") &&
                               Catch::Contains("--set SECTION.KEY=VALUE") && Catch::Contains("Exit codes"));
  }
  SECTION("--version") {
    Args args = missingConfig;
    args.push_back("--version");
    Finished result = finish(args);
    CHECK(result.code == kExitOk);
    CHECK(result.out.rfind("kubecensus-test ", 0) == 0);
    CHECK_THAT(result.out, Catch::Contains("plugin ABI 3.0") && Catch::Contains(buildFingerprint()));
  }
}

TEST_CASE("the --list-plugins output has the plugins of the program's kinds with their options",
          "[startup]") {
  Finished result = finish({"--list-plugins"});
  CHECK(result.code == kExitOk);
  const std::string& out = result.out;
  CHECK_THAT(out, Catch::Contains("source plugins:\n") && Catch::Contains("sink plugins:\n"));
  CHECK_THAT(out, !Catch::Contains("storage plugins:") && !Catch::Contains("sqlite"));
  CHECK_THAT(out,
             Catch::Contains("  host — ") && Catch::Contains("  http — ") && Catch::Contains("  stdout — "));
  CHECK_THAT(out, Catch::Contains("destination schemes: http,https"));
  CHECK_THAT(out, Catch::Contains("    url (string, required): "));
  CHECK_THAT(out, Catch::Contains("    timeout (duration, default 30s): "));
  CHECK_THAT(out, Catch::Contains("file: " + defaultPluginDirectory() + "/sink-http.so"));
  // Sorted by name within a kind.
  CHECK(out.find("  file — ") < out.find("  http — "));
  CHECK(out.find("  http — ") < out.find("  stdout — "));
}
