#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "report_testing.h"

using kctest::minimalNative;
using kubecensus::fromNativeJson;
using kubecensus::Report;
using kubecensus::ReportError;
using kubecensus::ReportFormat;
using kubecensus::toNativeJson;
using nlohmann::json;

namespace {}  // namespace

TEST_CASE("native round trip keeps every field", "[report][native]") {
  const Report report = kctest::fullReport();
  const json encoded = toNativeJson(report);
  CHECK(encoded["schema"] == "kubecensus.report/v2");
  CHECK(encoded["generatedAt"] == "2026-11-23T18:00:00.123456Z");
  CHECK(encoded["receivedAs"] == "spartakus-v1");
  // Nothing known, nothing written but the (empty) arrays.
  CHECK(encoded["nodes"][1] ==
        json{{"capacity", json::array()}, {"allocatable", json::array()}, {"roles", json::array()}});
  CHECK(fromNativeJson(encoded) == report);
  // And through text, as it travels.
  CHECK(fromNativeJson(kubecensus::parseJson(encoded.dump())) == report);
}

TEST_CASE("native encoding is stable: toNative(fromNative(x)) == x", "[report][native]") {
  const json encoded = toNativeJson(kctest::fullReport());
  CHECK(toNativeJson(fromNativeJson(encoded)) == encoded);

  // A minimal document gains its (empty) arrays and agent once, then stays the same.
  const json normalized = toNativeJson(fromNativeJson(minimalNative()));
  CHECK(normalized["nodes"] == json::array());
  CHECK(normalized["extensions"] == json::array());
  CHECK(normalized["errors"] == json::array());
  CHECK(normalized["workloads"] == json::array());
  CHECK_FALSE(normalized.contains("namespaces"));  // an optional section, absent when not collected
  CHECK_FALSE(normalized.contains("masterPlatform"));
  CHECK_FALSE(normalized.contains("generatedAt"));
  CHECK_FALSE(normalized.contains("receivedAs"));  // Native is the default, not written
  CHECK(toNativeJson(fromNativeJson(normalized)) == normalized);
}

TEST_CASE("native keeps absent and empty optional fields apart", "[report][native]") {
  json doc = minimalNative();
  doc["masterVersion"] = "";
  doc["nodes"] = json::array({json{{"osImage", ""}, {"capacity", json::array()}}, json::object()});
  const Report report = fromNativeJson(doc);
  REQUIRE(report.masterVersion.has_value());
  CHECK(report.masterVersion->empty());
  CHECK(report.nodes[0].osImage == std::optional<std::string>(""));
  CHECK_FALSE(report.nodes[0].kernelVersion.has_value());
  CHECK_FALSE(report.nodes[1].osImage.has_value());
  CHECK_FALSE(report.nodes[1].id.has_value());

  const json encoded = toNativeJson(report);
  CHECK(encoded["masterVersion"] == "");
  CHECK(encoded["nodes"][0] == json{{"osImage", ""},
                                    {"capacity", json::array()},
                                    {"allocatable", json::array()},
                                    {"roles", json::array()}});
  CHECK_FALSE(encoded.contains("accountID"));
}

TEST_CASE("native decoding accepts a minimal report", "[report][native]") {
  const Report report = fromNativeJson(minimalNative());
  CHECK(report.clusterID == "cluster-1");
  CHECK(report.agent == kubecensus::AgentInfo{});
  CHECK(report.nodes.empty());
  CHECK(report.receivedAs == ReportFormat::Native);
  CHECK_FALSE(report.generatedAt.has_value());
}

TEST_CASE("native validation errors name the field", "[report][native]") {
  auto failure = [](const json& doc) { return kctest::decodeFailure(fromNativeJson, doc); };
  auto with = [](const std::string& pointer, json value) {
    json doc = minimalNative();
    doc[json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  auto without = [](const std::string& key) {
    json doc = minimalNative();
    doc.erase(key);
    return doc;
  };
  struct Case {
    json doc;
    std::string field;
    std::string message;
  };
  const json goodNode = {{"capacity", json::array({{{"resource", "cpu"}, {"value", "4"}}})}};
  const std::vector<Case> cases = {
      {json::array(), "", "must be a JSON object"},
      {"text", "", "must be a JSON object"},
      {without("schema"), "schema", "is required"},
      {with("/schema", "kubecensus.report/v1"), "schema", "unsupported schema"},
      {with("/schema", 2), "schema", "must be a string"},
      {without("reportID"), "reportID", "is required"},
      {with("/reportID", "not-a-uuid"), "reportID", "must be a UUID"},
      {with("/reportID", 7), "reportID", "must be a string"},
      {without("clusterID"), "clusterID", "is required"},
      {with("/clusterID", ""), "clusterID", "must not be empty"},
      {with("/clusterID", nullptr), "clusterID", "must be a string"},
      {with("/generatedAt", "yesterday"), "generatedAt", "RFC 3339"},
      {with("/generatedAt", 1795456800), "generatedAt", "must be a string"},
      {with("/receivedAt", "2026-13-01T00:00:00Z"), "receivedAt", "RFC 3339"},
      {with("/receivedAs", "xml"), "receivedAs", "must be one of"},
      {with("/receivedFrom", json::array()), "receivedFrom", "must be a string"},
      {with("/accountID", 1), "accountID", "must be a string"},
      {with("/agent", "kubecensus-agent"), "agent", "must be an object"},
      {with("/agent", json{{"name", "a"}}), "agent.version", "is required"},
      {with("/agent", json{{"name", "a"}, {"version", "1"}, {"host", "x"}}), "agent.host", "unknown field"},
      {with("/masterVersion", false), "masterVersion", "must be a string"},
      {with("/nodes", json::object()), "nodes", "must be an array"},
      {with("/nodes", json::array({goodNode, "node"})), "nodes[1]", "must be an object"},
      {with("/nodes", json::array({json{{"osImage", 1}}})), "nodes[0].osImage", "must be a string"},
      {with("/nodes", json::array({json{{"cloudProvider", nullptr}}})), "nodes[0].cloudProvider",
       "must be a string"},
      {with("/nodes", json::array({json{{"hostname", "node-1"}}})), "nodes[0].hostname", "unknown field"},
      {with("/nodes", json::array({goodNode, json{{"capacity", "4"}}})), "nodes[1].capacity",
       "must be an array"},
      {with("/nodes",
            json::array({goodNode, json{{"capacity", json::array({{{"resource", "cpu"}, {"value", 4}}})}}})),
       "nodes[1].capacity[0].value", "must be a string"},
      {with("/nodes",
            json::array({json{{"capacity", json::array({goodNode["capacity"][0], {{"value", "4"}}})}}})),
       "nodes[0].capacity[1].resource", "is required"},
      {with("/nodes", json::array({json{
                          {"capacity", json::array({{{"resource", "cpu"}, {"value", "4"}, {"x", "y"}}})}}})),
       "nodes[0].capacity[0].x", "unknown field"},
      {with("/extensions", json::array({{{"name", "a"}}})), "extensions[0].value", "is required"},
      {with("/extensions", json::array({{{"name", "a"}, {"value", "b"}}, 5})), "extensions[1]",
       "must be an object"},
      {with("/errors", json::array({{{"source", "a"}, {"message", 1}}})), "errors[0].message",
       "must be a string"},
      {with("/errors", json::array({{{"source", "a"}, {"message", "m"}, {"stack", "s"}}})), "errors[0].stack",
       "unknown field"},
      {with("/namespaceNames", json::array({"default"})), "namespaceNames", "unknown field"},
      {with("/accountSecret", "s3cret"), "accountSecret", "unknown field"},
  };
  for (const auto& c : cases) {
    INFO(c.doc.dump());
    ReportError error = failure(c.doc);
    CHECK(error.field() == c.field);
    CHECK_THAT(error.detail(), Catch::Contains(c.message));
    CHECK_FALSE(error.isSyntaxError());
  }
}

TEST_CASE("native unknown-key errors keep hostile key names short and printable", "[report][native]") {
  json doc = minimalNative();
  doc[std::string(1000, 'k') + "\x01"] = 1;
  ReportError error = kctest::decodeFailure(fromNativeJson, doc);
  CHECK(error.field() == std::string(64, 'k') + "...");
}

TEST_CASE("the native text is the native document dumped, node by node or without nodes") {
  Report report = kctest::fullReport();
  REQUIRE_FALSE(report.nodes.empty());
  report.nodes.push_back(report.nodes.front());
  report.nodes.back().osImage = "broken \xff UTF-8";  // replaced, never a reason not to send
  kubecensus::NodeGroup group;
  group.operatingSystem = "linux";
  group.count = 4;
  group.capacity = {{"cpu", {1, 2, 2, 4, 4, 4, 4, 2.75}}};
  kubecensus::NodeGroup other;
  other.other = true;
  other.count = 2;
  report.nodeGroups = {group, other};  // written one by one too
  const auto dump = [](const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); };
  CHECK(kubecensus::encodeReport(report, ReportFormat::Native) == dump(toNativeJson(report)));
  CHECK(kubecensus::encodeNativeJson(report) == dump(toNativeJson(report)));
  CHECK(json::parse(kubecensus::encodeNativeJson(report))["nodes"].size() == report.nodes.size());
  CHECK(json::parse(kubecensus::encodeNativeJson(report))["nodeGroups"].size() == 2);

  report.nodes.clear();
  CHECK(kubecensus::encodeNativeJson(report) == dump(toNativeJson(report)));
  CHECK(json::parse(kubecensus::encodeNativeJson(report))["nodes"] == json::array());
}

TEST_CASE("a node group's capacity statistics must be finite and not negative", "[report][native]") {
  for (const json& bad : {json(-1), json(1e308 * 10)}) {
    json doc = minimalNative();
    json capacity = {{"resource", "cpu"}, {"min", 1}, {"p25", 1}, {"p50", 1}, {"p75", 1},
                     {"p90", 1},          {"p99", 1}, {"max", 1}, {"mean", 1}};
    capacity["mean"] = bad;
    doc["nodeGroups"] = json::array({{{"count", 3}, {"capacity", json::array({capacity})}}});
    ReportError error = kctest::decodeFailure(fromNativeJson, doc);
    INFO(bad.dump());
    CHECK(error.field() == "nodeGroups[0].capacity[0].mean");
    CHECK_THAT(error.detail(), Catch::Contains("finite, non-negative"));
  }
}
