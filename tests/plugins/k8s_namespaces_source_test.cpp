// The `k8s-namespaces` source (plugins/sources/k8s-namespaces): how many namespaces, how old.
// Expected numbers are worked out by hand from the recorded creationTimestamps.
#include <catch2/catch.hpp>

#include "../../plugins/sources/k8s-namespaces/namespace_summarizer.h"
#include "k8s_test_support.h"

using namespace kubecensus;
using kctest::at;
using kctest::FakeKubeApi;
using Counts = std::vector<std::uint64_t>;

namespace {

NamespaceSummary summarize(const std::string& fixture, Micros now) {
  k8s::NamespaceSummarizer summarizer;
  for (const auto& ns : kctest::realItems(fixture)) summarizer.add(ns, now);
  return summarizer.summary();
}

Report collect(FakeKubeApi& api, kctest::TestCollectContext& context) {
  return kctest::collectInto("source.k8s-namespaces",
                             [&](ReportBuilder& report) { k8s::collectNamespaces(api, context, report); });
}

const std::vector<std::int64_t> kAgeBounds{3600,    86400,    604800,   2592000,
                                           7776000, 15552000, 31536000, 63072000};

}  // namespace

TEST_CASE("k8s-namespaces: kURL's 9 namespaces one hour after install", "[plugins][k8s][namespaces]") {
  // Created 22:49:59 (3: kube-node-lease, kube-public, kube-system), 22:50:00 (default),
  // 22:50:18, 22:51:03, 22:51:59, 22:52:40, 22:52:59. At 23:50:00 the ages are 3601 (x3),
  // 3600, 3582, 3537, 3481, 3440, 3421: an age of exactly one hour is in the first bucket.
  const NamespaceSummary summary = summarize("namespacelist-kurl-1.23-9ns.json", at("2022-04-11T23:50:00Z"));
  CHECK(summary.count == 9);
  CHECK(summary.ages->ageSeconds.bounds == kAgeBounds);
  CHECK(summary.ages->ageSeconds.counts == Counts{6, 3, 0, 0, 0, 0, 0, 0, 0});
  CHECK(summary.ages->averageAgeSeconds == Approx(31864.0 / 9));

  // 180 days after longhorn-system's creation (22:51:03): it is exactly 180 days old and the
  // four created later are younger; the four created before are older.
  const NamespaceSummary later = summarize("namespacelist-kurl-1.23-9ns.json", at("2022-10-08T22:51:03Z"));
  CHECK(later.ages->ageSeconds.counts == Counts{0, 0, 0, 0, 0, 4, 5, 0, 0});
  CHECK(later.ages->averageAgeSeconds == Approx(15552003.0 + 4.0 / 9));
}

TEST_CASE("k8s-namespaces: k3s' 4 namespaces a day later", "[plugins][k8s][namespaces]") {
  const NamespaceSummary summary = summarize("namespacelist-k3s-1.33.json", at("2025-09-12T20:39:37Z"));
  CHECK(summary.count == 4);
  CHECK(summary.ages->ageSeconds.counts == Counts{0, 4, 0, 0, 0, 0, 0, 0, 0});
  CHECK(summary.ages->averageAgeSeconds == 86400.0);
}

TEST_CASE("k8s-namespaces: a namespace without a usable creationTimestamp is counted but has no age",
          "[plugins][k8s][namespaces]") {
  k8s::NamespaceSummarizer summarizer;
  const Micros now = at("2025-01-01T00:00:00Z");
  summarizer.add({{"metadata", {{"name", "a"}}}}, now);
  summarizer.add({{"metadata", {{"creationTimestamp", "yesterday"}}}}, now);
  summarizer.add({{"metadata", {{"creationTimestamp", "2025-01-01T01:00:00Z"}}}}, now);  // clock skew: age 0
  summarizer.add(nlohmann::json("not an object"), now);
  const NamespaceSummary summary = summarizer.summary();
  CHECK(summary.count == 4);
  CHECK(summary.ages->ageSeconds.counts == Counts{1, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(summary.ages->averageAgeSeconds == 0.0);

  CHECK(k8s::NamespaceSummarizer().summary() ==
        NamespaceSummary{0, AgeSummary{{kAgeBounds, Counts(9, 0)}, 0.0}});  // an empty cluster still has the shape
}

TEST_CASE("k8s-namespaces: metadata-only list, restarts, failures", "[plugins][k8s][namespaces]") {
  kctest::TestCollectContext context;
  context.clock = at("2022-04-11T23:50:00Z");

  SECTION("the section from a metadata-only list") {
    FakeKubeApi api;
    api.lists["namespaces"] = kctest::realItems("namespacelist-kurl-1.23-9ns.json");
    const Report report = collect(api, context);
    REQUIRE(api.calls.size() == 1);
    CHECK(api.calls[0].metadataOnly);
    REQUIRE(report.namespaces.has_value());
    CHECK(report.namespaces->count == 9);
    CHECK(report.namespaces->ages->ageSeconds.counts == Counts{6, 3, 0, 0, 0, 0, 0, 0, 0});
    CHECK(report.errors.empty());
  }
  SECTION("a list that starts over (410) is counted once") {
    FakeKubeApi api;
    api.lists["namespaces"] = kctest::realItems("namespacelist-kurl-1.23-9ns.json");
    api.restartAfter["namespaces"] = 5;
    const Report report = collect(api, context);
    REQUIRE(report.namespaces.has_value());
    CHECK(report.namespaces->count == 9);
    CHECK(report.namespaces->ages->ageSeconds.counts == Counts{6, 3, 0, 0, 0, 0, 0, 0, 0});
  }
  SECTION("forbidden: no section, an error naming the resource and the rule") {
    FakeKubeApi api;
    api.failures.emplace("namespaces", KubeError(403, "forbidden"));
    const Report report = collect(api, context);
    CHECK_FALSE(report.namespaces.has_value());
    REQUIRE(report.errors.size() == 1);
    CHECK_THAT(report.errors[0].message,
               Catch::Contains("not allowed to list namespaces") &&
                   Catch::Contains("{apiGroups: [\"\"], resources: [\"namespaces\"], verbs: [\"list\"]}"));
  }
  SECTION("an API server that keeps failing: no section, an error, the details in the log") {
    FakeKubeApi api;
    api.failures.emplace("namespaces",
                         KubeError(503, "GET https://api.acme.example:6443/api/v1/namespaces: HTTP 503"));
    const Report report = collect(api, context);
    CHECK_FALSE(report.namespaces.has_value());
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].message ==
          "could not list namespaces (HTTP 503), so the report has no namespaces; the agent's log "
          "says more");
    CHECK_THAT(context.logLines().back(), Catch::Contains("api.acme.example"));
  }
}
