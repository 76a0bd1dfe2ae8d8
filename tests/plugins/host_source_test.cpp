// The `host` source plugin (plugins/sources/host): this machine as one node, compared with what
// the test reads from the same places itself; and a fake root with files the test writes.
#include <sys/utsname.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "kubecensus/plugin/source.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/hmac.h"
#include "kubecensus/util/logger.h"
#include "plugins_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::makePlugin;

namespace {

using kctest::kSalt;
using TestContext = kctest::TestCollectContext;

struct Collected {
  Report report;
  std::vector<std::string> identities;
};

Collected collect(const std::map<std::string, std::string>& options = {}) {
  auto source = makePlugin<Source>("host", options);
  Collected result;
  result.report.reportID = randomUuid();
  result.report.clusterID = "c1";
  ReportBuilder builder(result.report, "source.host");
  TestContext context;
  source->collect(context, builder);
  result.identities = context.identities;
  return result;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
  return s;
}

std::string capacity(const Node& node, const std::string& resource) {
  for (const auto& r : node.capacity)
    if (r.resource == resource) return r.value;
  return "<absent>";
}

// Everything the report would be sent as, in each format a sink may use.
std::string encodedEverywhere(const Report& report) {
  return encodeReport(report, ReportFormat::Native) + "\n" + encodeReport(report, ReportFormat::SpartakusV1);
}

}  // namespace

TEST_CASE("host reports this machine as one node, as the kubelet would", "[host]") {
  Collected c = collect();
  REQUIRE(c.report.nodes.size() == 1);
  const Node& node = c.report.nodes[0];

  utsname u{};
  REQUIRE(uname(&u) == 0);
  CHECK(node.operatingSystem == "linux");
  CHECK(node.kernelVersion == std::string(u.release));
  if (std::string(u.machine) == "x86_64") CHECK(node.architecture == "amd64");
  if (std::string(u.machine) == "aarch64") CHECK(node.architecture == "arm64");
  CHECK(capacity(node, "cpu") == std::to_string(sysconf(_SC_NPROCESSORS_ONLN)));

  std::smatch memTotal;
  std::string meminfo = readText("/proc/meminfo");
  REQUIRE(std::regex_search(meminfo, memTotal, std::regex(R"(MemTotal:\s+(\d+) kB)")));
  CHECK(capacity(node, "memory") == memTotal[1].str() + "Ki");

  std::smatch pretty;
  std::string osRelease = readText("/etc/os-release");
  REQUIRE(std::regex_search(osRelease, pretty, std::regex(R"re((?:^|\n)PRETTY_NAME="?([^"\n]*)"?)re")));
  CHECK(node.osImage == pretty[1].str());

  // Nothing else is claimed.
  CHECK_FALSE(node.kubeletVersion);
  CHECK_FALSE(node.containerRuntimeVersion);
  CHECK_FALSE(node.cloudProvider);
  CHECK(c.report.errors.empty());
}

TEST_CASE("the node ID is the anonymized machine identity, never the machine-id itself", "[host]") {
  std::string machineId = trim(readText("/etc/machine-id"));
  if (machineId.empty()) {
    WARN("no /etc/machine-id on this machine; the fake-root test covers it");
    return;
  }
  Collected c = collect();
  REQUIRE(c.report.nodes.size() == 1);
  REQUIRE(c.identities.size() == 1);
  CHECK_THAT(c.identities[0], Catch::Contains(machineId));
  CHECK(c.report.nodes[0].id == hmacSha256Hex(kSalt, c.identities[0]));
  CHECK_THAT(encodedEverywhere(c.report), !Catch::Contains(machineId));
  // Stable: the same machine gets the same ID on every pass.
  CHECK(collect().report.nodes[0].id == c.report.nodes[0].id);
}

TEST_CASE("with root set, host reads os-release, meminfo and machine-id under it", "[host]") {
  kctest::TempDir root;
  root.write("etc/os-release",
             "NAME=\"Testix\"\nVERSION=\"9\"\nPRETTY_NAME=\"Testix 9 (fixture)\"\nID=testix\n");
  root.write("proc/meminfo", "MemTotal:        2048000 kB\nMemFree:          1024 kB\n");
  const std::string machineId = "0123456789abcdef0123456789abcdef";
  root.write("etc/machine-id", machineId + "\n");

  for (const std::string& rootOption : {root.path(), root.path() + "/"}) {
    INFO("root = " << rootOption);
    Collected c = collect({{"root", rootOption}});
    REQUIRE(c.report.nodes.size() == 1);
    const Node& node = c.report.nodes[0];
    CHECK(node.osImage == "Testix 9 (fixture)");
    CHECK(capacity(node, "memory") == "2048000Ki");
    REQUIRE(c.identities.size() == 1);
    CHECK_THAT(c.identities[0], Catch::Contains(machineId));
    CHECK(node.id == hmacSha256Hex(kSalt, c.identities[0]));
    CHECK_THAT(encodedEverywhere(c.report), !Catch::Contains(machineId));
    // What root does not hold still comes from the running kernel.
    utsname u{};
    REQUIRE(uname(&u) == 0);
    CHECK(node.kernelVersion == std::string(u.release));
    CHECK(capacity(node, "cpu") == std::to_string(sysconf(_SC_NPROCESSORS_ONLN)));
  }
}

TEST_CASE("host falls back to /usr/lib/os-release, NAME VERSION and the dbus machine-id", "[host]") {
  kctest::TempDir root;
  root.write("usr/lib/os-release", "NAME=Testix\nVERSION=\"9 (fixture)\"\n");
  root.write("var/lib/dbus/machine-id", "fedcba9876543210fedcba9876543210\n");
  Collected c = collect({{"root", root.path()}});
  REQUIRE(c.report.nodes.size() == 1);
  CHECK(c.report.nodes[0].osImage == "Testix 9 (fixture)");
  REQUIRE(c.identities.size() == 1);
  CHECK_THAT(c.identities[0], Catch::Contains("fedcba9876543210fedcba9876543210"));
  // No meminfo under root: no memory claimed, rather than this machine's.
  CHECK(capacity(c.report.nodes[0], "memory") == "<absent>");
  CHECK(capacity(c.report.nodes[0], "cpu") != "<absent>");
}

TEST_CASE("different machine identities give different node IDs", "[host]") {
  kctest::TempDir a, b;
  for (auto* root : {&a, &b}) root->write("etc/os-release", "PRETTY_NAME=Testix\n");
  a.write("etc/machine-id", "11111111111111111111111111111111\n");
  b.write("etc/machine-id", "22222222222222222222222222222222\n");
  CHECK(collect({{"root", a.path()}}).report.nodes[0].id != collect({{"root", b.path()}}).report.nodes[0].id);
}

TEST_CASE("without os-release, collect fails naming the file it looked for", "[host]") {
  kctest::TempDir root;
  root.write("proc/meminfo", "MemTotal: 1 kB\n");
  auto source = makePlugin<Source>("host", {{"root", root.path()}});
  Report report;
  ReportBuilder builder(report, "source.host");
  TestContext context;
  try {
    source->collect(context, builder);
    FAIL("collect did not throw");
  } catch (const std::exception& e) {
    CHECK_THAT(e.what(), Catch::Contains(root.path() + "/etc/os-release"));
  }
  CHECK(report.nodes.empty());
}
