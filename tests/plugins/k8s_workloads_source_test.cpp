// The `k8s-workloads` source (plugins/sources/k8s-workloads): per kind totals, namespaces by
// number of objects, ages and pod phases. Every expected number is worked out by hand (the
// comments show how) from recorded lists and from a small list written here.
#include <catch2/catch.hpp>

#include "../../plugins/sources/k8s-workloads/workload_summarizer.h"
#include "k8s_test_support.h"

using namespace kubecensus;
using kctest::at;
using kctest::FakeKubeApi;
using nlohmann::json;
using Counts = std::vector<std::uint64_t>;

namespace {

const std::vector<std::int64_t> kAgeBounds{3600,    86400,    604800,   2592000,
                                           7776000, 15552000, 31536000, 63072000};
const std::vector<std::int64_t> kPerNamespaceBounds{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

const k8s::WorkloadKind& kindNamed(const std::string& name) {
  for (const auto& kind : k8s::workloadKinds())
    if (kind.resource.resource == name) return kind;
  FAIL("no kind " << name);
  throw std::logic_error("unreachable");
}

WorkloadSummary summarize(const std::string& kind, const std::vector<json>& objects, Micros now) {
  k8s::WorkloadSummarizer summarizer(kindNamed(kind));
  for (const auto& object : objects) summarizer.add(object, now);
  return summarizer.summary();
}

std::vector<CountByName> phases(std::uint64_t pending, std::uint64_t running, std::uint64_t succeeded,
                                std::uint64_t failed, std::uint64_t unknown) {
  return {{"Pending", pending},
          {"Running", running},
          {"Succeeded", succeeded},
          {"Failed", failed},
          {"Unknown", unknown}};
}

json pod(const std::string& ns, std::optional<Micros> created, std::optional<std::string> phase) {
  json object = {{"metadata", {{"name", "p"}, {"namespace", ns}}}};
  if (created) object["metadata"]["creationTimestamp"] = formatRfc3339(*created);
  if (phase) object["status"]["phase"] = *phase;
  return object;
}

Report collect(k8s::KubeApi& api, kctest::TestCollectContext& context) {
  return kctest::collectInto("source.k8s-workloads",
                             [&](ReportBuilder& report) { k8s::collectWorkloads(api, context, report); });
}

constexpr Micros kSecond = 1000000;
constexpr Micros kDay = 86400 * kSecond;

}  // namespace

TEST_CASE("k8s-workloads: objects per namespace, bucket by bucket", "[plugins][k8s][workloads]") {
  // One namespace per count; a count equal to a bound is in the bucket that bound closes.
  k8s::PerNamespaceCounter counter;
  const std::vector<int> perNamespace{1,  2,   3,   5,   6,   10,  11,  20,   21,   50,
                                      51, 100, 101, 200, 201, 500, 501, 1000, 1001, 4000};
  for (std::size_t ns = 0; ns < perNamespace.size(); ++ns) {
    for (int i = 0; i < perNamespace[ns]; ++i) counter.add("namespace-" + std::to_string(ns));
  }
  CHECK(counter.namespaces() == perNamespace.size());
  const Histogram histogram = counter.histogram();
  CHECK(histogram.bounds == kPerNamespaceBounds);
  //                        <=1 <=2 <=5 <=10 <=20 <=50 <=100 <=200 <=500 <=1000 >1000
  CHECK(histogram.counts == Counts{1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2});
  counter.reset();
  CHECK(counter.histogram().counts == Counts(11, 0));
  CHECK(k8s::PerNamespaceCounter::hash("kube-system") != k8s::PerNamespaceCounter::hash("kube-public"));
  CHECK(k8s::PerNamespaceCounter::hash("") == 14695981039346656037ull);  // FNV-1a offset basis
}

TEST_CASE("k8s-workloads: ages, bound by bound", "[plugins][k8s][workloads]") {
  k8s::AgeHistogram ages;
  for (std::int64_t age :
       {std::int64_t{-5}, std::int64_t{0}, std::int64_t{3600}, std::int64_t{3601}, std::int64_t{86400},
        std::int64_t{86401}, std::int64_t{604800}, std::int64_t{2592000}, std::int64_t{7776000},
        std::int64_t{15552000}, std::int64_t{31536000}, std::int64_t{63072000}, std::int64_t{63072001}}) {
    ages.add(age);
  }
  const AgeSummary summary = ages.summary();
  CHECK(summary.ageSeconds.bounds == kAgeBounds);
  CHECK(summary.ageSeconds.counts == Counts{3, 2, 2, 1, 1, 1, 1, 1, 1});
  // -5 counts as 0: (0 + 0 + 3600 + 3601 + 86400 + 86401 + 604800 + 2592000 + 7776000 + 15552000
  //                   + 31536000 + 63072000 + 63072001) / 13
  CHECK(summary.ageSeconds.counts.size() == 9);
  CHECK(summary.averageAgeSeconds == Approx(184384803.0 / 13));

  const Micros now = at("2025-09-11T21:40:04Z");
  CHECK(k8s::objectAgeSeconds({{"metadata", {{"creationTimestamp", "2025-09-11T20:40:04Z"}}}}, now) == 3600);
  CHECK(k8s::objectAgeSeconds({{"metadata", {{"creationTimestamp", "2025-09-11T20:40:04.999Z"}}}}, now) ==
        3599);
  CHECK(k8s::objectAgeSeconds({{"metadata", {{"creationTimestamp", "2025-09-12T00:00:00Z"}}}}, now) == 0);
  CHECK(k8s::objectAgeSeconds({{"metadata", {{"creationTimestamp", 1757623204}}}}, now) == std::nullopt);
  CHECK(k8s::objectAgeSeconds({{"metadata", json::object()}}, now) == std::nullopt);
  CHECK(k8s::objectAgeSeconds(json::array(), now) == std::nullopt);
}

TEST_CASE("k8s-workloads: pod phases come from a closed list", "[plugins][k8s][workloads]") {
  k8s::PodPhaseCounter counter;
  for (const char* phase : {"Running", "Running", "Pending", "Succeeded", "Failed", "Unknown", "", "running",
                            "Evicted", "my-team-secret-phase"}) {
    counter.add(phase);
  }
  CHECK(counter.counts() == phases(1, 2, 1, 1, 5));
}

TEST_CASE("k8s-workloads: k3s' kube-system pods, an hour after install", "[plugins][k8s][workloads]") {
  // 7 pods, all in kube-system: one namespace with 7 objects, in (5, 10].
  // Created 20:40:04 (coredns, metrics-server), 20:39:45 (both helm-install jobs,
  // local-path-provisioner), 20:40:24 (svclb-traefik, traefik). At 21:40:04 the ages are 3600,
  // 3600, 3619 x3, 3580 x2: four in the first bucket (exactly one hour included), three in the second.
  const WorkloadSummary pods =
      summarize("pods", kctest::realItems("podlist-k3s-1.33-kube-system.json"), at("2025-09-11T21:40:04Z"));
  CHECK(pods.kind == "pods");
  CHECK(pods.total == 7);
  CHECK(pods.perNamespace->bounds == kPerNamespaceBounds);
  CHECK(pods.perNamespace->counts == Counts{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
  CHECK(pods.ages->ageSeconds.bounds == kAgeBounds);
  CHECK(pods.ages->ageSeconds.counts == Counts{4, 3, 0, 0, 0, 0, 0, 0, 0});
  CHECK(pods.ages->averageAgeSeconds == Approx(25217.0 / 7));  // 3602.43
  CHECK(pods.phases == phases(0, 5, 2, 0, 0));                // the two helm-install jobs Succeeded
}

TEST_CASE("k8s-workloads: kind's kube-system pods", "[plugins][k8s][workloads]") {
  // 14 pods in one namespace: (10, 20]. At 2022-02-02T15:00:15Z, the two coredns pods created
  // then are 0 s old; the other twelve were created on 2022-01-27 between 14:37:33 and
  // 14:37:53, 519742..519762 s (6 days) before.
  const WorkloadSummary pods =
      summarize("pods", kctest::realItems("podlist-kind-1.20-kube-system.json"), at("2022-02-02T15:00:15Z"));
  CHECK(pods.total == 14);
  CHECK(pods.perNamespace->counts == Counts{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
  CHECK(pods.ages->ageSeconds.counts == Counts{2, 0, 12, 0, 0, 0, 0, 0, 0});
  CHECK(pods.ages->averageAgeSeconds == Approx(445502.4285714286));
  CHECK(pods.phases == phases(4, 10, 0, 0, 0));
}

TEST_CASE("k8s-workloads: k3s' services and deployments", "[plugins][k8s][workloads]") {
  const Micros now = at("2025-09-11T21:40:24Z");
  // kube-dns 20:39:42, metrics-server 20:39:43, traefik 20:40:24: 3642, 3641, 3600 s.
  const WorkloadSummary services =
      summarize("services", kctest::realItems("servicelist-k3s-1.33-kube-system.json"), now);
  CHECK(services.total == 3);
  CHECK(services.perNamespace->counts == Counts{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(services.ages->ageSeconds.counts == Counts{1, 2, 0, 0, 0, 0, 0, 0, 0});
  CHECK(services.ages->averageAgeSeconds == Approx(10883.0 / 3));
  CHECK(services.phases.empty());
  // coredns and local-path-provisioner 20:39:42, metrics-server 20:39:43, traefik 20:40:24.
  const WorkloadSummary deployments =
      summarize("deployments", kctest::realItems("deploymentlist-k3s-1.33-kube-system.json"), now);
  CHECK(deployments.total == 4);
  CHECK(deployments.perNamespace->counts == Counts{0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK(deployments.ages->ageSeconds.counts == Counts{1, 3, 0, 0, 0, 0, 0, 0, 0});
  CHECK(deployments.ages->averageAgeSeconds == Approx((3642.0 * 2 + 3641 + 3600) / 4));
  CHECK(deployments.phases.empty());
}

TEST_CASE("k8s-workloads: a hand-made list across five namespaces", "[plugins][k8s][workloads]") {
  const Micros now = at("2025-01-01T00:00:00Z");
  std::vector<json> objects = {
      pod("a", now - 1800 * kSecond, "Running"),    // 1800 s
      pod("a", std::nullopt, "Running"),            // no creationTimestamp: counted, no age
      pod("b", now - 3600 * kSecond, "Pending"),    // exactly 1 h: first bucket
      pod("b", now - kDay - kSecond, "Succeeded"),  // 86401 s: (1 d, 7 d]
      pod("c", now - 7 * kDay, "Failed"),           // exactly 7 d: (1 d, 7 d]
      pod("c", now - 30 * kDay, "Evicted"),         // exactly 30 d: (7 d, 30 d]; not a phase: Unknown
      pod("c", now - 400 * kDay, std::nullopt),     // (365 d, 730 d]; no status: Unknown
      pod("e", now + 60 * kSecond, "Unknown"),      // created "after" now (clock skew): age 0
  };
  for (int i = 0; i < 11; ++i) objects.push_back(pod("d", now - 800 * kDay, "Running"));  // > 730 d
  const WorkloadSummary pods = summarize("pods", objects, now);
  CHECK(pods.total == 19);
  // a: 2, b: 2, c: 3, d: 11, e: 1 objects.
  CHECK(pods.perNamespace->counts == Counts{1, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0});
  // 18 ages: 0, 1800, 3600 | - | 86401, 604800 | 2592000 | - | - | - | 34560000 | 69120000 x11
  CHECK(pods.ages->ageSeconds.counts == Counts{3, 0, 2, 1, 0, 0, 0, 1, 11});
  CHECK(pods.ages->averageAgeSeconds == Approx(798168601.0 / 18));
  CHECK(pods.phases == phases(1, 13, 1, 1, 3));

  // The same objects as deployments: no phases.
  const WorkloadSummary deployments = summarize("deployments", objects, now);
  CHECK(deployments.perNamespace == pods.perNamespace);
  CHECK(deployments.ages == pods.ages);
  CHECK(deployments.phases.empty());
}

TEST_CASE("k8s-workloads: every kind is listed, metadata only except pods", "[plugins][k8s][workloads]") {
  FakeKubeApi api;
  api.lists["pods"] = kctest::realItems("podlist-k3s-1.33-kube-system.json");
  api.lists["services"] = kctest::realItems("servicelist-k3s-1.33-kube-system.json");
  api.lists["deployments.apps"] = kctest::realItems("deploymentlist-k3s-1.33-kube-system.json");
  kctest::TestCollectContext context;
  context.clock = at("2025-09-11T21:40:04Z");
  const Report report = collect(api, context);

  std::vector<std::pair<std::string, bool>> calls;
  for (const auto& call : api.calls) calls.emplace_back(call.what, call.metadataOnly);
  CHECK(calls == std::vector<std::pair<std::string, bool>>{{"pods", false},
                                                           {"services", true},
                                                           {"deployments.apps", true},
                                                           {"statefulsets.apps", true},
                                                           {"daemonsets.apps", true},
                                                           {"jobs.batch", true},
                                                           {"cronjobs.batch", true}});
  REQUIRE(report.workloads.size() == 7);
  std::vector<std::pair<std::string, std::uint64_t>> totals;
  for (const auto& w : report.workloads) totals.emplace_back(w.kind, w.total);
  CHECK(totals == std::vector<std::pair<std::string, std::uint64_t>>{{"pods", 7},
                                                                     {"services", 3},
                                                                     {"deployments", 4},
                                                                     {"statefulsets", 0},
                                                                     {"daemonsets", 0},
                                                                     {"jobs", 0},
                                                                     {"cronjobs", 0}});
  CHECK(report.workloads[0].phases == phases(0, 5, 2, 0, 0));
  // A kind with no objects still has the full shape, all zeros.
  CHECK(report.workloads[6] ==
        WorkloadSummary{
            "cronjobs", 0, Histogram{kPerNamespaceBounds, Counts(11, 0)}, AgeSummary{{kAgeBounds, Counts(9, 0)}, 0.0}, {}});
  CHECK(report.errors.empty());
  // And the report it makes is a valid native report.
  CHECK(fromNativeJson(toNativeJson(report)) == report);
}

TEST_CASE("k8s-workloads: a kind that fails is left out, the others go on", "[plugins][k8s][workloads]") {
  FakeKubeApi api;
  api.lists["pods"] = kctest::realItems("podlist-kind-1.20-kube-system.json");
  api.failures.emplace("deployments.apps",
                       KubeError(403,
                                 "forbidden: cannot list deployments.apps. The API server said: User "
                                 "\"system:serviceaccount:acme-prod:census\" cannot list resource"));
  api.failures.emplace("jobs.batch", KubeError(500, "GET https://10.1.2.3/apis/batch/v1/jobs: HTTP 500"));
  kctest::TestCollectContext context;
  const Report report = collect(api, context);
  std::vector<std::string> kinds;
  for (const auto& w : report.workloads) kinds.push_back(w.kind);
  CHECK(kinds == std::vector<std::string>{"pods", "services", "statefulsets", "daemonsets", "cronjobs"});
  CHECK(report.workloads[0].total == 14);
  REQUIRE(report.errors.size() == 2);
  CHECK(report.errors[0].source == "source.k8s-workloads");
  CHECK(report.errors[0].message ==
        "not allowed to list deployments.apps (HTTP 403), so the report has no deployments.apps; "
        "grant it "
        "with an RBAC rule: {apiGroups: [\"apps\"], resources: [\"deployments\"], verbs: [\"list\"]}");
  CHECK(report.errors[1].message ==
        "could not list jobs.batch (HTTP 500), so the report has no jobs.batch; the agent's log says "
        "more");
  const std::string text = encodeReport(report, ReportFormat::Native);
  CHECK(text.find("acme-prod") == std::string::npos);
  CHECK(text.find("10.1.2.3") == std::string::npos);
  CHECK(context.logLines().size() == 2);  // the full messages, for the operator
}

TEST_CASE("k8s-workloads: a list that starts over (410) counts its kind once", "[plugins][k8s][workloads]") {
  FakeKubeApi api;
  api.lists["pods"] = kctest::realItems("podlist-k3s-1.33-kube-system.json");
  api.restartAfter["pods"] = 4;
  kctest::TestCollectContext context;
  context.clock = at("2025-09-11T21:40:04Z");
  const Report report = collect(api, context);
  REQUIRE_FALSE(report.workloads.empty());
  CHECK(report.workloads[0] == summarize("pods", api.lists["pods"], context.clock));
  CHECK(report.workloads[0].total == 7);
  CHECK(report.workloads[0].phases == phases(0, 5, 2, 0, 0));
}

TEST_CASE("k8s-workloads: cancellation stops the lists", "[plugins][k8s][workloads]") {
  FakeKubeApi api;
  api.lists["pods"] = kctest::realItems("podlist-k3s-1.33-kube-system.json");
  api.lists["services"] = kctest::realItems("servicelist-k3s-1.33-kube-system.json");
  kctest::TestCollectContext context;
  context.cancelWhen = [&] { return api.calls.size() >= 2; };  // once the second list has begun
  Report report;
  ReportBuilder builder(report, "source.k8s-workloads");
  CHECK_THROWS_AS(k8s::collectWorkloads(api, context, builder), k8s::CollectionCancelled);
  CHECK(api.calls.size() == 2);
  REQUIRE(report.workloads.size() == 1);  // pods were complete
  CHECK(report.workloads[0].kind == "pods");
}

namespace {

// Makes objects as they are asked for, like a server streaming pages: the list is never held.
class GeneratedPods : public k8s::KubeApi {
 public:
  GeneratedPods(int namespaces, Micros now) : namespaces_(namespaces), now_(now) {}
  json get(const std::string&) override { throw KubeError(404, "not found"); }
  void list(const ApiResource& resource, const ListOptions&, const OnItem& onItem,
            const OnRestart&) override {
    if (resource.resource != "pods") return;
    // Namespace i holds i % 30 + 1 pods, created (i % 30 + 1) days ago; every fifth pod is Pending.
    std::uint64_t n = 0;
    for (int i = 0; i < namespaces_; ++i) {
      const int pods = i % 30 + 1;
      const json object = pod("ns-" + std::to_string(i), now_ - pods * kDay, std::nullopt);
      for (int p = 0; p < pods; ++p) {
        json item = object;
        item["status"]["phase"] = ++n % 5 == 0 ? "Pending" : "Running";
        onItem(item);
      }
    }
  }

 private:
  int namespaces_;
  Micros now_;
};

}  // namespace

TEST_CASE("k8s-workloads: 10,000 namespaces and 155,000 pods, counted exactly", "[plugins][k8s][workloads]") {
  kctest::TestCollectContext context;
  context.clock = at("2025-01-01T00:00:00Z");
  GeneratedPods api(10000, context.clock);
  const Report report = collect(api, context);
  REQUIRE(report.workloads.size() == 7);
  const WorkloadSummary& pods = report.workloads[0];
  // 10,000 namespaces = 333 full cycles of 1..30 pods (+ 10 namespaces with 1..10 pods).
  // Pods: 333 * 465 + 55 = 154,900.
  CHECK(pods.total == 154900);
  // Namespaces with 1 | 2 | 3-5 | 6-10 | 11-20 | 21-30 pods: 334 | 334 | 1002 | 1670 | 3330 | 3330.
  CHECK(pods.perNamespace->counts == Counts{334, 334, 1002, 1670, 3330, 3330, 0, 0, 0, 0, 0});
  // Ages: the k pods of a namespace are k days old. 1 day (86400 s) is in (1 h, 1 d]: 334 pods;
  // 2-7 days in (1 d, 7 d]: 334 * (2 + ... + 7) = 334 * 27 pods; 8-30 days in (7 d, 30 d]: the rest.
  const std::uint64_t day1 = 334;
  const std::uint64_t days2to7 = 334 * 27;
  CHECK(pods.ages->ageSeconds.counts == Counts{0, day1, days2to7, 154900 - day1 - days2to7, 0, 0, 0, 0, 0});
  // 154,900 / 5 = 30,980 Pending.
  CHECK(pods.phases == phases(30980, 154900 - 30980, 0, 0, 0));
}
