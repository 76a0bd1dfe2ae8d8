// The native format's fields beyond the Spartakus record: node allocatable and roles, the
// master platform, the namespaces summary and workload summaries (core/src/report/native_summaries.cpp).
#include <catch2/catch.hpp>
#include <limits>
#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "report_testing.h"

using kubecensus::fromNativeJson;
using kubecensus::Report;
using kubecensus::ReportError;
using kubecensus::toNativeJson;
using kctest::minimalNative;
using nlohmann::json;

namespace {


json histogram(json bounds, json counts) {
  return {{"bounds", std::move(bounds)}, {"counts", std::move(counts)}};
}

json ages() {
  return {{"ageSeconds", histogram({3600, 86400}, {1, 0, 2})}, {"averageAgeSeconds", 90000.5}};
}

json workload() {
  return {{"kind", "pods"},
          {"total", 3},
          {"perNamespace", histogram({1, 2}, {0, 0, 1})},
          {"ages", ages()},
          {"phases", json::array({{{"name", "Running"}, {"count", 3}}})}};
}

}  // namespace

TEST_CASE("native writes the new sections in the documented shape", "[report][native]") {
  const Report report = kctest::fullReport();
  const json encoded = toNativeJson(report);
  CHECK(encoded["masterPlatform"] == "linux/amd64");
  CHECK(encoded["nodes"][0]["allocatable"][0] == json{{"resource", "cpu"}, {"value", "3920m"}});
  CHECK(encoded["nodes"][0]["roles"] == json::array({"control-plane", "gpu"}));
  CHECK(encoded["namespaces"] == json::parse(R"({"count": 9, "ages": {"ageSeconds": {
            "bounds": [3600, 86400, 604800, 2592000, 7776000, 15552000, 31536000, 63072000],
            "counts": [0, 1, 0, 2, 0, 0, 0, 6, 0]}, "averageAgeSeconds": 41306829.5}})"));
  REQUIRE(encoded["workloads"].size() == 2);
  const json& pods = encoded["workloads"][0];
  CHECK(pods["kind"] == "pods");
  CHECK(pods["total"] == 21);
  CHECK(pods["perNamespace"]["bounds"] == json::array({1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}));
  CHECK(pods["perNamespace"]["counts"] == json::array({1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  CHECK(pods["phases"][1] == json{{"name", "Running"}, {"count", 15}});
  CHECK_FALSE(encoded["workloads"][1].contains("phases"));  // left out when there are none

  // Through text, as it travels, and stable on re-encoding.
  const Report back = fromNativeJson(kubecensus::parseJson(encoded.dump()));
  CHECK(back == report);
  CHECK(toNativeJson(back) == encoded);
}

TEST_CASE("native: a whole-number average survives the trip as a number", "[report][native]") {
  json doc = minimalNative();
  doc["namespaces"] = {{"count", 0},
                       {"ages", {{"ageSeconds", histogram(json::array(), {0})}, {"averageAgeSeconds", 0}}}};
  const Report report = fromNativeJson(doc);
  REQUIRE(report.namespaces.has_value());
  CHECK(report.namespaces->count == 0);
  CHECK(report.namespaces->ages->ageSeconds.bounds.empty());
  CHECK(report.namespaces->ages->ageSeconds.counts == std::vector<std::uint64_t>{0});
  CHECK(fromNativeJson(toNativeJson(report)) == report);
}

TEST_CASE("native: absent workload phases mean none, large counts are kept exactly", "[report][native]") {
  json doc = minimalNative();
  json w = workload();
  w.erase("phases");
  w["total"] = std::numeric_limits<std::uint64_t>::max();
  w["perNamespace"] = histogram({std::numeric_limits<std::int64_t>::min(), 0}, {0, 0, 1});
  doc["workloads"] = json::array({w});
  const Report report = fromNativeJson(kubecensus::parseJson(doc.dump()));
  REQUIRE(report.workloads.size() == 1);
  CHECK(report.workloads[0].phases.empty());
  CHECK(report.workloads[0].total == std::numeric_limits<std::uint64_t>::max());
  CHECK(report.workloads[0].perNamespace->bounds[0] == std::numeric_limits<std::int64_t>::min());
  CHECK(fromNativeJson(toNativeJson(report)) == report);
}

TEST_CASE("native validation of the new fields names the field", "[report][native]") {
  auto with = [](const std::string& pointer, json value) {
    json doc = minimalNative();
    doc["namespaces"] = {{"count", 3}, {"ages", ages()}};
    doc["workloads"] = json::array({workload()});
    doc["nodes"] = json::array({json::object()});
    doc[json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  auto without = [&](const std::string& pointer) {
    json doc = with("/masterPlatform", "linux/amd64");
    const json::json_pointer p(pointer);
    doc[p.parent_pointer()].erase(p.back());
    return doc;
  };
  struct Case {
    json doc;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {with("/masterPlatform", 1), "masterPlatform", "must be a string"},
      {with("/nodes/0/allocatable", "4"), "nodes[0].allocatable", "must be an array"},
      {with("/nodes/0/allocatable", json::array({{{"resource", "cpu"}}})), "nodes[0].allocatable[0].value",
       "is required"},
      {with("/nodes/0/allocatable", json::array({{{"resource", "cpu"}, {"value", "1"}, {"x", 1}}})),
       "nodes[0].allocatable[0].x", "unknown field"},
      {with("/nodes/0/roles", "worker"), "nodes[0].roles", "must be an array"},
      {with("/nodes/0/roles", json::array({"worker", 7})), "nodes[0].roles[1]", "must be a string"},
      {with("/nodes/0/roleValues", json::array()), "nodes[0].roleValues", "unknown field"},
      {with("/namespaces", json::array()), "namespaces", "must be an object"},
      {with("/namespaces", nullptr), "namespaces", "must be an object"},
      {without("/namespaces/count"), "namespaces.count", "is required"},
      {with("/namespaces/count", -1), "namespaces.count", "must be a non-negative integer"},
      {with("/namespaces/count", 1.5), "namespaces.count", "must be a non-negative integer"},
      {with("/namespaces/count", "3"), "namespaces.count", "must be a non-negative integer"},
      {with("/namespaces/names", json::array({"default"})), "namespaces.names", "unknown field"},
      {with("/namespaces/ages", 5), "namespaces.ages", "must be an object"},
      {without("/namespaces/ages/averageAgeSeconds"), "namespaces.ages.averageAgeSeconds", "is required"},
      {with("/namespaces/ages/averageAgeSeconds", "1"), "namespaces.ages.averageAgeSeconds",
       "must be a number"},
      {with("/namespaces/ages/averageAgeSeconds", -0.5), "namespaces.ages.averageAgeSeconds",
       "must not be negative"},
      {without("/namespaces/ages/ageSeconds"), "namespaces.ages.ageSeconds", "is required"},
      {without("/namespaces/ages/ageSeconds/bounds"), "namespaces.ages.ageSeconds.bounds", "is required"},
      {without("/namespaces/ages/ageSeconds/counts"), "namespaces.ages.ageSeconds.counts", "is required"},
      {with("/namespaces/ages/ageSeconds/bounds", json::object()), "namespaces.ages.ageSeconds.bounds",
       "must be an array"},
      {with("/namespaces/ages/ageSeconds/bounds", json::array({3600, "86400"})),
       "namespaces.ages.ageSeconds.bounds[1]", "must be an integer"},
      {with("/namespaces/ages/ageSeconds/bounds", json::array({3600, 86400.5})),
       "namespaces.ages.ageSeconds.bounds[1]", "must be an integer"},
      {with("/namespaces/ages/ageSeconds/bounds",
            json::array({3600, std::numeric_limits<std::uint64_t>::max()})),
       "namespaces.ages.ageSeconds.bounds[1]", "fits in 64 bits"},
      {with("/namespaces/ages/ageSeconds/bounds", json::array({86400, 3600})),
       "namespaces.ages.ageSeconds.bounds[1]", "strictly increasing"},
      {with("/namespaces/ages/ageSeconds/bounds", json::array({3600, 3600})),
       "namespaces.ages.ageSeconds.bounds[1]", "strictly increasing"},
      {with("/namespaces/ages/ageSeconds/counts", json::array({1, 0})), "namespaces.ages.ageSeconds.counts",
       "one element more than bounds (3)"},
      {with("/namespaces/ages/ageSeconds/counts", json::array({1, 0, 2, 0})),
       "namespaces.ages.ageSeconds.counts", "one element more than bounds (3)"},
      {with("/namespaces/ages/ageSeconds/counts", json::array({1, -1, 2})),
       "namespaces.ages.ageSeconds.counts[1]", "must be a non-negative integer"},
      {with("/namespaces/ages/ageSeconds/counts", json::array({1, nullptr, 2})),
       "namespaces.ages.ageSeconds.counts[1]", "must be a non-negative integer"},
      {with("/namespaces/ages/ageSeconds/sum", 1), "namespaces.ages.ageSeconds.sum", "unknown field"},
      {with("/workloads", json::object()), "workloads", "must be an array"},
      {with("/workloads/0", "pods"), "workloads[0]", "must be an object"},
      {without("/workloads/0/kind"), "workloads[0].kind", "is required"},
      {with("/workloads/0/kind", ""), "workloads[0].kind", "must not be empty"},
      {with("/workloads/0/kind", 3), "workloads[0].kind", "must be a string"},
      {without("/workloads/0/total"), "workloads[0].total", "is required"},
      {with("/workloads/0/total", -3), "workloads[0].total", "must be a non-negative integer"},
      {with("/workloads/0/perNamespace/counts", json::array({1})), "workloads[0].perNamespace.counts",
       "one element more than bounds"},
      {with("/workloads/0/perNamespace/bounds", json::array({2, 1})), "workloads[0].perNamespace.bounds[1]",
       "strictly increasing"},
      {with("/workloads/0/ages/averageAgeSeconds", true), "workloads[0].ages.averageAgeSeconds",
       "must be a number"},
      {with("/workloads/0/phases", json::object()), "workloads[0].phases", "must be an array"},
      {with("/workloads/0/phases/0", "Running"), "workloads[0].phases[0]", "must be an object"},
      {with("/workloads/0/phases/0/count", "3"), "workloads[0].phases[0].count",
       "must be a non-negative integer"},
      {without("/workloads/0/phases/0/name"), "workloads[0].phases[0].name", "is required"},
      {with("/workloads/0/phases/0/pod", "web-1"), "workloads[0].phases[0].pod", "unknown field"},
      {with("/workloads/0/namespaces", json::array({"default"})), "workloads[0].namespaces", "unknown field"},
  };
  for (const auto& c : cases) {
    INFO(c.doc.dump());
    ReportError error = kctest::decodeFailure(fromNativeJson, c.doc);
    CHECK(error.field() == c.field);
    CHECK_THAT(error.detail(), Catch::Contains(c.message));
  }
  // The documents the cases were made from are valid.
  CHECK_NOTHROW(fromNativeJson(with("/masterPlatform", "linux/arm64")));
}

TEST_CASE("native: a minimal-level report has counts without histograms, and other buckets round-trip",
          "[report][native]") {
  json doc = minimalNative();
  doc["level"] = "minimal";
  doc["nodeCount"] = 7;
  doc["namespaces"] = {{"count", 3}};
  doc["workloads"] = json::array({{{"kind", "pods"}, {"total", 12}}});
  const Report report = fromNativeJson(doc);
  CHECK(report.level == "minimal");
  CHECK(report.nodeCount == 7u);
  CHECK_FALSE(report.namespaces->ages.has_value());
  CHECK_FALSE(report.workloads[0].perNamespace.has_value());
  CHECK_FALSE(report.workloads[0].ages.has_value());
  CHECK(toNativeJson(report)["workloads"][0] == json{{"kind", "pods"}, {"total", 12}});

  doc["workloads"][0]["perNamespace"] = {{"bounds", {1}}, {"counts", {0, 4}}, {"other", 2}};
  CHECK(fromNativeJson(doc).workloads[0].perNamespace->other == 2u);
  CHECK(fromNativeJson(toNativeJson(fromNativeJson(doc))) == fromNativeJson(doc));
}

TEST_CASE("native: node groups round-trip and are validated field by field", "[report][native]") {
  json doc = minimalNative();
  doc["nodeGroups"] = json::parse(R"([
    {"operatingSystem": "linux", "kubeletVersion": "v1.31.2", "count": 4,
     "capacity": [{"resource": "cpu", "min": 2, "p25": 2, "p50": 4, "p75": 4, "p90": 8, "p99": 8, "max": 8,
                   "mean": 4.5}]},
    {"other": true, "count": 2, "capacity": []}])");
  const Report report = fromNativeJson(doc);
  REQUIRE(report.nodeGroups.size() == 2);
  CHECK(report.nodeGroups[0].kubeletVersion == "v1.31.2");
  CHECK(report.nodeGroups[0].capacity[0].values.p90 == 8);
  CHECK(report.nodeGroups[1].other);
  CHECK(fromNativeJson(toNativeJson(report)) == report);
  doc["nodeGroups"][0]["capacity"][0].erase("p99");
  CHECK_THROWS_WITH(fromNativeJson(doc), Catch::Contains("nodeGroups[0].capacity[0].p99"));
  doc["nodeGroups"][0]["hostname"] = "x";
  CHECK_THROWS_WITH(fromNativeJson(doc), Catch::Contains("nodeGroups[0].hostname"));
}
