#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/uuid.h"
#include "report_testing.h"
#include "support/temp_dir.h"

using kubecensus::fromSpartakusJson;
using kubecensus::Report;
using kubecensus::ReportError;
using kubecensus::ReportFormat;
using kubecensus::toSpartakusJson;
using nlohmann::json;

namespace {

json seed() { return kubecensus::parseJson(kctest::fixture("seeds/spartakus-v1.json")); }

json minimalRecord() {
  return {{"version", "v1.0.0"}, {"timestamp", "1437174715"}, {"clusterID", "c1"}};
}

}  // namespace

TEST_CASE("the Spartakus seed round-trips verbatim", "[report][spartakus]") {
  const json record = seed();
  const Report report = fromSpartakusJson(record);
  CHECK(toSpartakusJson(report) == record);

  CHECK(report.receivedAs == ReportFormat::SpartakusV1);
  CHECK(report.agent == kubecensus::AgentInfo{"spartakus", "v1.0.0"});
  CHECK(report.generatedAt == 867530909031976);  // microseconds
  CHECK(report.clusterID == "2f9c93d3-156c-47aa-8802-578ffca9b50e");
  CHECK(report.masterVersion == std::optional<std::string>("v1.3.5"));
  REQUIRE(report.nodes.size() == 2);
  CHECK(report.nodes[0].id == std::optional<std::string>("c8863d09ecc5be8d9791f72acd275fc2"));
  CHECK(report.nodes[0].containerRuntimeVersion == std::optional<std::string>("docker://1.11.2"));
  CHECK_FALSE(report.nodes[0].cloudProvider.has_value());
  REQUIRE(report.nodes[1].capacity.size() == 4);
  CHECK(report.nodes[1].capacity[2] == kubecensus::Resource{"memory", "15437428Ki"});
  CHECK(kubecensus::isUuid(report.reportID));
  CHECK_FALSE(report.accountID.has_value());
  // Golden: the ID derived from the seed record. A change here (a JSON library's canonical form,
  // the derivation) would store every retried Spartakus record twice: it must never be silent.
  CHECK(report.reportID == "6879b0d9-db60-56a2-9f3b-5ac4d0d67f7b");
}

TEST_CASE("the Spartakus seed survives the native format too", "[report][spartakus]") {
  const json record = seed();
  const Report report = kubecensus::fromNativeJson(kubecensus::toNativeJson(fromSpartakusJson(record)));
  CHECK(toSpartakusJson(report) == record);
}

TEST_CASE("Spartakus absent and empty optional fields round-trip as they were", "[report][spartakus]") {
  SECTION("all optional fields absent") {
    json record = minimalRecord();
    record["nodes"] = json::array({{{"id", "n1"}}});
    const Report report = fromSpartakusJson(record);
    CHECK_FALSE(report.masterVersion.has_value());
    CHECK_FALSE(report.nodes[0].osImage.has_value());
    CHECK(toSpartakusJson(report) == record);
  }
  SECTION("optional strings present but empty") {
    json record = minimalRecord();
    record["masterVersion"] = "";
    record["nodes"] = json::array({{{"id", "n1"},
                                    {"operatingSystem", ""},
                                    {"osImage", ""},
                                    {"kernelVersion", ""},
                                    {"architecture", ""},
                                    {"containerRuntimeVersion", ""},
                                    {"kubeletVersion", ""},
                                    {"cloudProvider", ""}}});
    record["extensions"] = json::array({{{"name", ""}, {"value", ""}}});
    const Report report = fromSpartakusJson(record);
    CHECK(report.masterVersion == std::optional<std::string>(""));
    CHECK(report.nodes[0].cloudProvider == std::optional<std::string>(""));
    CHECK(toSpartakusJson(report) == record);
  }
  SECTION("a node id of \"\" means no id, and no id is written as \"\"") {
    json record = minimalRecord();
    record["nodes"] = json::array({{{"id", ""}, {"osImage", "x"}}});
    const Report report = fromSpartakusJson(record);
    CHECK_FALSE(report.nodes[0].id.has_value());
    CHECK(toSpartakusJson(report) == record);
  }
  SECTION("empty arrays are omitted, as Go's omitempty does") {
    json record = minimalRecord();
    record["nodes"] = json::array({{{"id", "n1"}, {"capacity", json::array()}}});
    record["extensions"] = json::array();
    json expected = minimalRecord();
    expected["nodes"] = json::array({{{"id", "n1"}}});
    CHECK(toSpartakusJson(fromSpartakusJson(record)) == expected);
  }
}

TEST_CASE("toSpartakusJson writes what the format requires", "[report][spartakus]") {
  Report report;
  report.clusterID = "c1";
  report.agent = {"kubecensus-agent", "0.1.0"};
  report.nodes.push_back(kubecensus::Node{});
  report.errors = {{"nodes", "boom"}};  // not in the format
  report.accountID = "acct";            // not in the format
  const json record = toSpartakusJson(report);
  CHECK(record == json{{"version", "0.1.0"},
                       {"timestamp", "0"},  // no generatedAt
                       {"clusterID", "c1"},
                       {"nodes", json::array({{{"id", ""}}})}});

  const Report full = kctest::fullReport();
  const json fullRecord = toSpartakusJson(full);
  CHECK(fullRecord["timestamp"] == "1795456800123456");
  CHECK(fullRecord["nodes"][0]["cloudProvider"] == "gce");
  CHECK(fullRecord["extensions"].size() == 2);
  // The fields only the native format has are not written...
  const std::string text = fullRecord.dump();
  for (const char* absent : {"allocatable", "roles", "control-plane", "3920m", "masterPlatform",
                             "linux/amd64", "namespaces", "workloads", "perNamespace", "Pending"}) {
    CHECK(text.find(absent) == std::string::npos);
  }
  // ...and everything the format carries comes back.
  const Report back = fromSpartakusJson(fullRecord);
  std::vector<kubecensus::Node> spartakusNodes = full.nodes;
  for (auto& node : spartakusNodes) {
    node.allocatable.clear();
    node.roles.clear();
  }
  CHECK(back.nodes == spartakusNodes);
  CHECK(back.extensions == full.extensions);
  CHECK(back.masterVersion == full.masterVersion);
  CHECK(back.generatedAt == full.generatedAt);
  CHECK(back.agent.version == full.agent.version);
}

TEST_CASE("Spartakus report IDs are derived from the record", "[report][spartakus]") {
  const json record = seed();
  const std::string id = fromSpartakusJson(record).reportID;
  CHECK(id[14] == '5');  // name-based, version 5
  CHECK(id == kubecensus::nameBasedUuid("spartakus-v1\n" + record.dump()));

  // The same record sent again, even formatted differently, is the same report.
  CHECK(fromSpartakusJson(kubecensus::parseJson(record.dump(2))).reportID == id);

  json later = record;
  later["timestamp"] = "867530909031977";
  CHECK(fromSpartakusJson(later).reportID != id);
  json otherNode = record;
  otherNode["nodes"][1]["capacity"][1]["value"] = "8";
  CHECK(fromSpartakusJson(otherNode).reportID != id);
}

TEST_CASE("Spartakus validation errors name the field", "[report][spartakus]") {
  auto with = [](const std::string& pointer, json value) {
    json doc = minimalRecord();
    doc[json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  auto without = [](const std::string& key) {
    json doc = minimalRecord();
    doc.erase(key);
    return doc;
  };
  struct Case {
    json doc;
    std::string field;
    std::string message;
  };
  const json node = {{"id", "n"}, {"capacity", json::array({{{"resource", "cpu"}, {"value", "4"}}})}};
  const std::vector<Case> cases = {
      {json::array(), "", "must be a JSON object"},
      {without("clusterID"), "clusterID", "is required"},
      {with("/clusterID", ""), "clusterID", "must not be empty"},
      {with("/clusterID", 5), "clusterID", "must be a string"},
      {without("version"), "version", "is required"},
      {with("/version", 1), "version", "must be a string"},
      {without("timestamp"), "timestamp", "is required"},
      {with("/timestamp", 1437174715), "timestamp", "must be a string"},
      {with("/timestamp", ""), "timestamp", "decimal digits"},
      {with("/timestamp", "-5"), "timestamp", "decimal digits"},
      {with("/timestamp", "12.5"), "timestamp", "decimal digits"},
      {with("/timestamp", "99999999999999999999"), "timestamp", "decimal digits"},  // overflows
      {with("/masterVersion", nullptr), "masterVersion", "must be a string"},
      {with("/nodes", json::object()), "nodes", "must be an array"},
      {with("/nodes", json::array({node, 1})), "nodes[1]", "must be an object"},
      {with("/nodes", json::array({node, {{"id", 7}}})), "nodes[1].id", "must be a string"},
      {with("/nodes", json::array({{{"kubeletVersion", 1.3}}})), "nodes[0].kubeletVersion",
       "must be a string"},
      {with("/nodes", json::array({{{"name", "node-1.example.com"}}})), "nodes[0].name", "unknown field"},
      {with("/nodes",
            json::array({node, {{"capacity", json::array({{{"resource", "cpu"}, {"value", 4}}})}}})),
       "nodes[1].capacity[0].value", "must be a string"},
      {with("/nodes", json::array({{{"capacity", json::array({{{"resource", "cpu"}}})}}})),
       "nodes[0].capacity[0].value", "is required"},
      {with("/extensions", json::array({{{"name", "a"}, {"value", true}}})), "extensions[0].value",
       "must be a string"},
      {with("/extensions", json::array({{{"name", "a"}, {"value", "b"}, {"owner", "c"}}})),
       "extensions[0].owner", "unknown field"},
      {with("/reportID", "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77"), "reportID", "unknown field"},
      {with("/ip", "192.0.2.1"), "ip", "unknown field"},
  };
  for (const auto& c : cases) {
    INFO(c.doc.dump());
    ReportError error = kctest::decodeFailure(fromSpartakusJson, c.doc);
    CHECK(error.field() == c.field);
    CHECK_THAT(error.detail(), Catch::Contains(c.message));
  }
  CHECK_THAT(kctest::decodeFailure(fromSpartakusJson, with("/ip", "x")).detail(),
             Catch::Contains("spartakus-v1"));
}

TEST_CASE("Spartakus timestamps with leading zeros are read and written canonically", "[report][spartakus]") {
  const Report report =
      fromSpartakusJson(json{{"version", "v1"}, {"timestamp", "0001437174715"}, {"clusterID", "c1"}});
  CHECK(report.generatedAt == 1437174715000000);
  CHECK(toSpartakusJson(report)["timestamp"] == "1437174715");
}

TEST_CASE("Spartakus timestamps are seconds as the volunteer writes them, or microseconds as the README shows",
          "[report][spartakus]") {
  auto at = [](const std::string& timestamp) {
    return fromSpartakusJson(json{{"version", "v1"}, {"timestamp", timestamp}, {"clusterID", "c1"}});
  };
  // Seconds: what pkg/volunteer writes (time.Now().Unix()).
  CHECK(at("1700000000").generatedAt == 1700000000LL * 1000000);
  CHECK(toSpartakusJson(at("1700000000"))["timestamp"] == "1700000000");
  CHECK(at("99999999999").generatedAt == 99999999999LL * 1000000);  // the largest read as seconds
  // Microseconds: the README's example value, 1997-06-28.
  CHECK(at("867530909031976").generatedAt == 867530909031976LL);
  CHECK(toSpartakusJson(at("867530909031976"))["timestamp"] == "867530909031976");
  CHECK(at("100000000000").generatedAt == 100000000000LL);  // 10^11 and up: microseconds
  // An agent's sub-second time goes out in microseconds, a whole second as seconds.
  Report report = at("1");
  report.generatedAt = 1700000000123456LL;
  CHECK(toSpartakusJson(report)["timestamp"] == "1700000000123456");
  report.generatedAt = 1700000000000000LL;
  CHECK(toSpartakusJson(report)["timestamp"] == "1700000000");
}
