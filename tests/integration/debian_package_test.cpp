// `make package`: the Debian packages installed with dpkg on this machine, the installed
// binaries run (a collector and one agent pass, the shipped configurations checked), then
// purged, leaving nothing behind. Needs root; refuses to touch a kubecensus already installed.
#include <pwd.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "collector_fixture.h"
#include "stats_seed.h"

using namespace kctest;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kPackages = {"kubecensus-dev", "kubecensus-agent", "kubecensus-collector",
                                            "kubecensus-common"};

bool installed(const std::string& package) {
  return run("/usr/bin/dpkg-query", {"-W", "-f=${Status}", package}).output.find("ok installed") !=
         std::string::npos;
}

// Purges the packages when the test ends, however it ends.
struct PurgeAtEnd {
  ~PurgeAtEnd() {
    std::vector<std::string> args{"--purge"};
    args.insert(args.end(), kPackages.begin(), kPackages.end());
    run("/usr/bin/dpkg", args, {}, std::chrono::seconds(120));
  }
};

}  // namespace

TEST_CASE("debian packages: installed with dpkg, the installed binaries work, purge leaves nothing",
          "[package]") {
  if (geteuid() != 0) FAIL("dpkg -i needs root; run this test as root (CI does)");
  for (const auto& package : kPackages)
    if (installed(package))
      FAIL(package << " is installed on this machine already; the test will not touch it");

  TempDir work;
  const std::string cpack = fs::path(KUBECENSUS_CMAKE).parent_path() / "cpack";
  RunResult packed = run(cpack, {"--config", buildPath("CPackConfig.cmake"), "-B", work.file("packages")}, {},
                         std::chrono::seconds(300));
  INFO(packed.output);
  REQUIRE(packed.exitCode == 0);
  std::vector<std::string> install{"-i"};
  for (const auto& entry : fs::directory_iterator(work.file("packages")))
    if (entry.path().extension() == ".deb") install.push_back(entry.path());
  REQUIRE(install.size() == 5);

  PurgeAtEnd purge;
  RunResult dpkg = run("/usr/bin/dpkg", install, {}, std::chrono::seconds(120));
  INFO(dpkg.output);
  REQUIRE(dpkg.exitCode == 0);
  for (const char* file :
       {"/usr/bin/kubecensus-agent", "/usr/bin/kubecensus-collector", "/usr/lib/libkubecensus-core.so.0",
        "/usr/lib/kubecensus/plugins/source-k8s-nodes.so", "/usr/lib/kubecensus/plugins/storage-sqlite.so",
        "/etc/kubecensus/agent.yaml", "/etc/kubecensus/collector.yaml",
        "/usr/lib/systemd/system/kubecensus-agent.service",
        "/usr/lib/systemd/system/kubecensus-collector.service", "/usr/include/kubecensus/plugin/source.h"})
    CHECK(fs::exists(file));
  CHECK(getpwnam("kubecensus") != nullptr);
  CHECK(fs::is_directory("/var/lib/kubecensus"));
  CHECK_THAT(run("/usr/bin/dpkg-query", {"-W", "-f=${Conffiles}", "kubecensus-agent"}).output,
             Catch::Contains("/etc/kubecensus/agent.yaml"));
  for (const auto& [binary, config] : {std::pair{"/usr/bin/kubecensus-agent", "/etc/kubecensus/agent.yaml"},
                                       {"/usr/bin/kubecensus-collector", "/etc/kubecensus/collector.yaml"}}) {
    RunResult checked = run(binary, {"--check-config", "--config", config});
    INFO(binary << ": " << checked.output);
    CHECK(checked.exitCode == 0);
  }

  // The units as systemd reads them (no systemd runs here to start them).
  for (const char* unit : {"/usr/lib/systemd/system/kubecensus-agent.service",
                           "/usr/lib/systemd/system/kubecensus-collector.service"}) {
    RunResult verified = run("/usr/bin/systemd-analyze", {"verify", unit});
    INFO(unit << ": " << verified.output);
    CHECK(verified.exitCode == 0);
  }

  {
    // The installed collector and one pass of the installed agent, reporting this host.
    Collector collector({"--database", "sqlite:" + work.file("k.db")}, 0, false,
                        "/usr/bin/kubecensus-collector");
    RunResult pass =
        run("/usr/bin/kubecensus-agent",
            {"run", "--once", "--database", collector.url(), "--set", "agent.state_dir=" + work.file("a")},
            agentEnvironment());
    INFO(pass.output);
    CHECK(pass.exitCode == 0);
    HttpAnswer active = collector.get("/api/v2/stats/active-clusters?from=" + dayText(todayUtc()));
    CHECK_THAT(active.body, Catch::Contains("\"clusters\":1"));
  }

  // Installing the same packages again runs the upgrade path of the maintainer scripts.
  RunResult again = run("/usr/bin/dpkg", install, {}, std::chrono::seconds(120));
  INFO(again.output);
  CHECK(again.exitCode == 0);

  // Purging removes the packages' own state, never someone else's file beside it.
  const std::string foreign = "/var/lib/kubecensus/not-from-a-package";
  std::ofstream(foreign) << "kept";
  std::vector<std::string> remove{"--purge"};
  remove.insert(remove.end(), kPackages.begin(), kPackages.end());
  RunResult purged = run("/usr/bin/dpkg", remove, {}, std::chrono::seconds(120));
  INFO(purged.output);
  CHECK(purged.exitCode == 0);
  for (const char* gone :
       {"/usr/bin/kubecensus-agent", "/usr/bin/kubecensus-collector", "/usr/lib/kubecensus",
        "/usr/lib/libkubecensus-core.so.0", "/etc/kubecensus", "/usr/include/kubecensus"})
    CHECK_FALSE(fs::exists(gone));
  CHECK(fs::exists(foreign));
  fs::remove_all("/var/lib/kubecensus");
  CHECK(getpwnam("kubecensus") == nullptr);
}

TEST_CASE("packaging/runtime-packages names the package of every library the binaries link", "[package]") {
  // The Debian packages' and the container image's dependencies come from that one list.
  std::set<std::string> listed;
  {
    std::ifstream in(std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/runtime-packages");
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') listed.insert(line);
  }
  // Essential in every Debian system, so never listed.
#ifdef __SANITIZE_ADDRESS__
  // make test-asan: the sanitizer runtimes too, and two libraries a sanitized link names
  // directly that are otherwise reached through Poco's packages (libpocoxml80, libpocofoundation80).
  const std::set<std::string> base = {"libc6",     "libstdc++6", "libgcc-s1", "libasan8",
                                      "libubsan1", "libexpat1",  "libpcre3"};
#else
  const std::set<std::string> base = {"libc6", "libstdc++6", "libgcc-s1"};
#endif
  std::vector<std::string> files = {buildPath("bin/kubecensus-agent"), buildPath("bin/kubecensus-collector"),
                                    buildPath("lib/libkubecensus-core.so")};
  for (const auto& entry : fs::directory_iterator(buildPath("lib/kubecensus/plugins")))
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  std::set<std::string> needed;
  for (const std::string& file : files) {
    RunResult dynamic = run("/usr/bin/readelf", {"-d", file});
    REQUIRE(dynamic.exitCode == 0);
    std::smatch match;
    static const std::regex kNeeded(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
    for (auto it = std::sregex_iterator(dynamic.output.begin(), dynamic.output.end(), kNeeded);
         it != std::sregex_iterator(); ++it)
      needed.insert((*it)[1].str());
  }
  REQUIRE(needed.count("libkubecensus-core.so.0"));
  needed.erase("libkubecensus-core.so.0");
  for (const std::string& library : needed) {
    RunResult owner = run("/usr/bin/dpkg", {"-S", "*-linux-gnu/" + library});  // this architecture
    INFO(library << ": " << owner.output);
    REQUIRE(owner.exitCode == 0);
    const std::string package = owner.output.substr(0, owner.output.find(':'));
    CHECK((listed.count(package) || base.count(package)));
  }
}
