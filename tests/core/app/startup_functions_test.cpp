// The free functions of startup.cpp: parseListenAddress and runMain.
#include "kubecensus/app/startup.h"

#include <Poco/Exception.h>

#include <catch2/catch.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app_test_support.h"

using namespace kubecensus;
using namespace kctest;
using Args = std::vector<std::string>;

TEST_CASE("parseListenAddress reads host:port, [v6]:port and :port", "[startup]") {
  auto check = [](const std::string& text, const std::string& host, unsigned short port) {
    INFO(text);
    ListenAddress address = parseListenAddress(text);
    CHECK(address.host == host);
    CHECK(address.port == port);
  };
  check("127.0.0.1:8080", "127.0.0.1", 8080);
  check("localhost:0", "localhost", 0);
  check("0.0.0.0:65535", "0.0.0.0", 65535);
  check(":9090", "0.0.0.0", 9090);
  check("[::1]:8080", "::1", 8080);
  check("[::]:80", "::", 80);
  check("[fe80::1%eth0]:443", "fe80::1%eth0", 443);
}

TEST_CASE("parseListenAddress refuses what is not an address, naming it", "[startup]") {
  for (const char* bad : {"8080", "", "host:", "host:http", "host:65536", "host:-1", "host:80x",
                          "host:99999999999", "[::1]", "[::1]8080", "[::1:8080", "[::1]:", "[::1]:65536"}) {
    INFO(bad);
    CHECK_THAT(usageErrorOf([&] { parseListenAddress(bad); }),
               Catch::Contains(std::string("listen address '") + bad + "'"));
  }
}

TEST_CASE("runMain turns what escapes the body into a message and an exit code", "[startup]") {
  auto run = [](const std::function<int()>& body) {
    StreamCapture err(std::cerr);
    int code = runMain("prog", body);
    return std::make_pair(code, err.text());
  };
  CHECK(run([] { return 0; }) == std::make_pair(0, std::string()));
  CHECK(run([] { return 7; }).first == 7);

  auto [usage, usageText] = run([]() -> int { throw UsageError("unknown flag --x"); });
  CHECK(usage == kExitUsage);
  CHECK(usageText == "prog: unknown flag --x\n");

  auto [config, configText] = run([]() -> int {
    throw ConfigError(
        std::vector<ConfigIssue>{ConfigIssue{Location{"a.ini", 3, {}}, "test", "period", "bad"},
                                 ConfigIssue{Location{"a.ini", 4, {}}, "test", "threads", "worse"}});
  });
  CHECK(config == kExitUsage);
  CHECK(configText == "a.ini:3: [test] period: bad\na.ini:4: [test] threads: worse\n");

  auto [plugin, pluginText] = run([]() -> int { throw PluginError("unknown sink plugin 'x'"); });
  CHECK(plugin == kExitUsage);
  CHECK(pluginText == "prog: unknown sink plugin 'x'\n");

  auto [runtime, runtimeText] = run([]() -> int { throw std::runtime_error("disk full"); });
  CHECK(runtime == kExitFailure);
  CHECK(runtimeText == "prog: disk full\n");

  auto [poco, pocoText] = run([]() -> int { throw Poco::IOException("connection reset"); });
  CHECK(poco == kExitFailure);
  CHECK_THAT(pocoText, Catch::StartsWith("prog: ") && Catch::Contains("connection reset"));
}
