// The SDK as a user gets it: this build installed into a fresh prefix, the out-of-tree example
// plugin (examples/custom-source) configured and built against that prefix alone, then loaded
// by the installed agent, its count visible in `preview` against the test API server.
#include <catch2/catch.hpp>
#include <filesystem>

#include "collector_fixture.h"
#include "support/test_api_server.h"

using namespace kctest;
namespace fs = std::filesystem;

namespace {

// This build installed into `prefix` as a user installs it: the runtime and the SDK, not the
// system files of the Debian packages (/etc, units).
void installInto(const std::string& prefix) {
  for (const char* component : {"core", "agent", "collector", "sdk"}) {
    RunResult installed =
        run(KUBECENSUS_CMAKE, {"--install", buildPath(""), "--prefix", prefix, "--component", component}, {},
            std::chrono::seconds(120));
    INFO(installed.output);
    REQUIRE(installed.exitCode == 0);
  }
}

// Configures and builds examples/<name> against `prefix` alone (no include path or target of
// this source tree is visible to it); returns its build directory.
std::string buildExample(const std::string& name, const std::string& prefix, const TempDir& work) {
  const std::string dir = work.file(name);
  RunResult configured = run(KUBECENSUS_CMAKE,
                             {
                                 "-S",
                                 std::string(KUBECENSUS_SOURCE_DIR) + "/examples/" + name,
                                 "-B",
                                 dir,
                                 "-DCMAKE_PREFIX_PATH=" + prefix,
                                 "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
#ifdef __SANITIZE_ADDRESS__
                                 // make test-asan: the core is instrumented, so must be what loads it
                                 "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined",
#endif
                             },
                             {}, std::chrono::seconds(120));
  INFO(configured.output);
  REQUIRE(configured.exitCode == 0);
  RunResult built = run(KUBECENSUS_CMAKE, {"--build", dir}, {}, std::chrono::seconds(300));
  INFO(built.output);
  REQUIRE(built.exitCode == 0);
  return dir;
}

}  // namespace

TEST_CASE("sdk: a plugin built against the installed SDK alone is loaded by the installed agent", "[sdk]") {
  TempDir work;
  const std::string prefix = work.file("prefix");
  installInto(prefix);
  for (const char* file :
       {"bin/kubecensus-agent", "bin/kubecensus-collector", "lib/libkubecensus-core.so",
        "lib/kubecensus/plugins/source-k8s-nodes.so", "lib/kubecensus/plugins/storage-sqlite.so",
        "include/kubecensus/plugin/source.h", "include/kubecensus/version.h",
        "lib/cmake/kubecensus/kubecensusConfig.cmake", "lib/cmake/kubecensus/KubecensusPlugin.cmake"})
    CHECK(fs::exists(prefix + "/" + file));
  CHECK_FALSE(fs::exists(prefix + "/lib/kubecensus/plugins/wrong_abi.so"));  // test fixtures stay out

  const std::string example = buildExample("custom-source", prefix, work);
  REQUIRE(fs::exists(example + "/plugins/source-resource-count.so"));

  TestApiServer cluster(
      {"--objects",
       TestApiServer::fixtureObjects("deployments", "k8s/real/deploymentlist-k3s-1.33-kube-system.json")});
  const std::string agent = prefix + "/bin/kubecensus-agent";
  RunResult listed = run(agent, {"--plugin-dir", example + "/plugins", "--list-plugins"});
  INFO(listed.output);
  CHECK_THAT(listed.output, Catch::Contains("resource-count"));
  RunResult preview = run(
      agent,
      {"preview", "--kubeconfig", cluster.kubeconfig(), "--plugin-dir", example + "/plugins", "--set",
       "source.resource-count.resource=deployments.apps", "--set", "agent.state_dir=" + work.file("state")},
      agentEnvironment());
  INFO(preview.output);
  REQUIRE(preview.exitCode == 0);
  CHECK_THAT(preview.output, Catch::Contains(R"({"name":"apps/deployments","value":"4"})"));
}

TEST_CASE("sdk: a program embedding the agent through the installed SDK reports to a collector", "[sdk]") {
  TempDir work;
  const std::string prefix = work.file("prefix");
  installInto(prefix);
  const std::string program = buildExample("embed", prefix, work) + "/report-usage";
  Collector collector;
  // The program finds the installed plugins next to the installed core library it loads.
  RunResult reported =
      run(program, {collector.url(), "--set", "agent.state_dir=" + work.file("state")}, agentEnvironment());
  INFO(reported.output);
  REQUIRE(reported.exitCode == 0);
  CHECK_THAT(reported.output, Catch::Contains(R"("name":"example.com/managed-databases","value":"3")") &&
                                  Catch::Contains("delivered"));
  REQUIRE(collector.reports().size() == 1);
  CHECK_THAT(collector.reports()[0].report, Catch::Contains("example.com/managed-databases"));

  RunResult refused =
      run(program,
          {collector.url(), "--set", "agent.level=bogus", "--set", "agent.state_dir=" + work.file("state")},
          agentEnvironment());
  CHECK(refused.exitCode == 2);
  CHECK_THAT(refused.output, Catch::Contains("agent.level") && Catch::Contains("configuration has problems"));
  const std::string untouched = work.file("untouched");
  RunResult off = run(program, {collector.url(), "--set", "agent.state_dir=" + untouched},
                      agentEnvironment({{"DO_NOT_TRACK", "1"}}));
  CHECK(off.exitCode == 0);
  CHECK_THAT(off.output, Catch::Contains("usage reporting is off: DO_NOT_TRACK is set"));
  CHECK_FALSE(fs::exists(untouched));  // switched off: not even a salt was written
  CHECK(collector.reports().size() == 1);
}
