// The `k8s-version` source (plugins/sources/k8s-version): GET /version into masterVersion and
// masterPlatform, tested with every recorded /version answer.
#include <catch2/catch.hpp>

#include "../../plugins/sources/k8s-version/server_version.h"
#include "k8s_test_support.h"

using namespace kubecensus;
using kctest::FakeKubeApi;

namespace {

Report collectVersion(FakeKubeApi& api, kctest::TestCollectContext& context) {
  return kctest::collectInto("source.k8s-version",
                             [&](ReportBuilder& report) { k8s::collectServerVersion(api, context, report); });
}

}  // namespace

TEST_CASE("k8s-version reads gitVersion and platform of every recorded /version", "[plugins][k8s][version]") {
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"version-aws-selfmanaged-1.7.2.json", {"v1.7.2", "linux/amd64"}},
      {"version-aws-selfmanaged-1.8.4.json", {"v1.8.4", "linux/amd64"}},
      {"version-k3s-1.33-troubleshoot-wrapped.json", {"v1.33.4+k3s1", "linux/amd64"}},
      {"version-kind-1.20.0.json", {"v1.20.0", "linux/amd64"}},
      {"version-kind-1.33.1-arm64-troubleshoot-wrapped.json", {"v1.33.1", "linux/arm64"}},
  };
  for (const auto& name : kctest::realFixtures("version-")) {
    INFO(name);
    REQUIRE(expected.count(name) == 1);  // a new fixture needs its expected values here
    FakeKubeApi api;
    api.gets["/version"] = kctest::versionBody(name);
    kctest::TestCollectContext context;
    const Report report = collectVersion(api, context);
    CHECK(report.masterVersion == expected.at(name).first);
    CHECK(report.masterPlatform == expected.at(name).second);
    CHECK(report.errors.empty());
    // Nothing else of the answer: no commit, build date, compiler, Go version.
    CHECK(report.nodes.empty());
    const std::string text = encodeReport(report, ReportFormat::Native);
    for (const char* key : {"gitCommit", "buildDate", "goVersion"}) {
      CHECK(text.find(kctest::versionBody(name)[key].get<std::string>()) == std::string::npos);
    }
  }
}

TEST_CASE("k8s-version: missing or odd fields are absent, not errors of the whole source",
          "[plugins][k8s][version]") {
  CHECK(k8s::readServerVersion(nlohmann::json::array()).gitVersion == std::nullopt);
  CHECK(k8s::readServerVersion({{"gitVersion", 1}, {"platform", ""}}).gitVersion == std::nullopt);
  CHECK(k8s::readServerVersion({{"gitVersion", 1}, {"platform", ""}}).platform == std::nullopt);

  FakeKubeApi api;
  api.gets["/version"] = {{"major", "1"}, {"minor", "31"}, {"platform", "linux/s390x"}};
  kctest::TestCollectContext context;
  const Report report = collectVersion(api, context);
  CHECK_FALSE(report.masterVersion.has_value());
  CHECK(report.masterPlatform == "linux/s390x");
  REQUIRE(report.errors.size() == 1);
  CHECK(report.errors[0].source == "source.k8s-version");
  CHECK_THAT(report.errors[0].message, Catch::Contains("without a gitVersion"));
}

TEST_CASE("k8s-version: a refused /version is an error naming the RBAC rule, without the server's words",
          "[plugins][k8s][version]") {
  FakeKubeApi api;
  api.failures.emplace(
      "/version", KubeError(403,
                            "forbidden: cannot get /version (HTTP 403). The API server said: User "
                            "\"system:serviceaccount:acme-monitoring:census\" cannot get path \"/version\""));
  kctest::TestCollectContext context;
  const Report report = collectVersion(api, context);
  CHECK_FALSE(report.masterVersion.has_value());
  REQUIRE(report.errors.size() == 1);
  CHECK_THAT(report.errors[0].message,
             Catch::Contains("not allowed to get /version (HTTP 403)") &&
                 Catch::Contains("{nonResourceURLs: [\"/version\"], verbs: [\"get\"]}"));
  CHECK(report.errors[0].message.find("acme-monitoring") == std::string::npos);
  // The whole message stays in the agent's own log.
  REQUIRE(context.logLines().size() == 1);
  CHECK_THAT(context.logLines()[0], Catch::Contains("acme-monitoring"));

  FakeKubeApi down;
  down.failures.emplace("/version", KubeError(0, "GET https://10.0.0.1:6443/version: connection refused"));
  const Report unreachable = collectVersion(down, context);
  REQUIRE(unreachable.errors.size() == 1);
  CHECK_THAT(unreachable.errors[0].message, Catch::Contains("could not get /version (no usable answer"));
  CHECK(unreachable.errors[0].message.find("10.0.0.1") == std::string::npos);
}
