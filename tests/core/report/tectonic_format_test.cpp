#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/uuid.h"
#include "report_testing.h"
#include "support/temp_dir.h"

using kubecensus::fromTectonicJson;
using kubecensus::Report;
using kubecensus::ReportError;
using kubecensus::ReportFormat;
using kubecensus::TectonicAccount;
using kubecensus::toTectonicJson;
using nlohmann::json;

namespace {

json seed() { return kubecensus::parseJson(kctest::fixture("seeds/tectonic.json"), true); }

Report decode(const json& body) { return fromTectonicJson(body); }

}  // namespace

TEST_CASE("the tectonic seed round-trips verbatim (trailing comma tolerated)", "[report][tectonic]") {
  const json body = seed();
  TectonicAccount account;
  const Report report = fromTectonicJson(body, &account);
  CHECK(toTectonicJson(report, account) == body);

  CHECK(account.accountID == "238dcbc5-4562-4fe3-9d8b-dc67911a7376");
  CHECK(account.accountSecret == "dhaowd2n3ngsj3d-9");
  CHECK(report.accountID == std::optional<std::string>("238dcbc5-4562-4fe3-9d8b-dc67911a7376"));
  CHECK(report.clusterID == "612e0f99-1912-4647-831d-ba4c3d918b66");
  CHECK(report.generatedAt == 1437174715LL * 1000000);  // seconds in the format
  CHECK(report.agent.name == "tectonic");
  CHECK(report.receivedAs == ReportFormat::Tectonic);
  REQUIRE(report.nodes.size() == 1);
  const kubecensus::Node& node = report.nodes[0];
  CHECK(node.capacity ==
        std::vector<kubecensus::Resource>{{"cpu", "1"}, {"memory", "505020Ki"}, {"pods", "40"}});
  CHECK(node.osImage == std::optional<std::string>("CoreOS 738.1.0"));
  CHECK(node.kernelVersion == std::optional<std::string>("4.0.7-coreos-r2"));
  CHECK(node.kubeletVersion == std::optional<std::string>("v1.0.3"));
  CHECK(node.containerRuntimeVersion == std::optional<std::string>("docker://1.6.2"));
  CHECK_FALSE(node.operatingSystem.has_value());
  CHECK_FALSE(node.id.has_value());
  CHECK(kubecensus::isUuid(report.reportID));
  // Golden: the ID derived from the seed payload (see the Spartakus seed's).
  CHECK(report.reportID == "a39ee375-8320-5e3e-96b2-da33ebbe6470");
}

TEST_CASE("the tectonic secret never reaches the report", "[report][tectonic]") {
  const Report report = decode(seed());
  const std::string native = kubecensus::toNativeJson(report).dump();
  CHECK(native.find("dhaowd2n3ngsj3d-9") == std::string::npos);
  CHECK(native.find("accountSecret") == std::string::npos);
  CHECK(kubecensus::toSpartakusJson(report).dump().find("dhaowd2n3ngsj3d-9") == std::string::npos);
  // The account pointer is optional.
  CHECK(report == fromTectonicJson(seed(), nullptr));
}

TEST_CASE("tectonic report IDs exclude the secret", "[report][tectonic]") {
  const json body = seed();
  const std::string id = decode(body).reportID;
  CHECK(id[14] == '5');

  json withoutSecret = body;
  withoutSecret.erase("accountSecret");
  CHECK(id == kubecensus::nameBasedUuid("tectonic\n" + withoutSecret.dump()));

  json rotated = body;
  rotated["accountSecret"] = "another-secret";
  CHECK(decode(rotated).reportID == id);  // same payload, same report

  json later = body;
  later["metadata"]["generated_at"] = "1437174716";
  CHECK(decode(later).reportID != id);
  json otherAccount = body;
  otherAccount["accountID"] = "00000000-0000-0000-0000-000000000000";
  CHECK(decode(otherAccount).reportID != id);
  json otherNode = body;
  otherNode["payload"]["kubernetesNodes"][0]["status"]["capacity"]["cpu"] = "2";
  CHECK(decode(otherNode).reportID != id);
  // Tectonic and Spartakus never share an ID namespace.
  CHECK(id != kubecensus::nameBasedUuid("spartakus-v1\n" + withoutSecret.dump()));
}

TEST_CASE("tectonic node identifiers and other node fields are dropped", "[report][tectonic]") {
  json body = seed();
  json& node = body["payload"]["kubernetesNodes"][0];
  node["metadata"] = {{"name", "ip-10-0-0-1.example.internal"}, {"labels", {{"team", "payments"}}}};
  node["spec"] = {{"providerID", "aws:///us-east-1a/i-0123"}};
  node["status"]["addresses"] = json::array({{{"type", "InternalIP"}, {"address", "10.0.0.1"}}});
  node["status"]["nodeInfo"]["machineID"] = "c0ffee";
  node["status"]["nodeInfo"]["systemUUID"] = "EC2A-1234";
  node["status"]["nodeInfo"]["bootID"] = "b007";
  node["status"]["nodeInfo"]["kubeProxyVersion"] = "v1.0.3";
  node["status"]["nodeInfo"]["operatingSystem"] = "linux";
  node["status"]["nodeInfo"]["architecture"] = "amd64";

  TectonicAccount account;
  const Report report = fromTectonicJson(body, &account);
  CHECK(report.nodes[0].operatingSystem == std::optional<std::string>("linux"));
  CHECK(report.nodes[0].architecture == std::optional<std::string>("amd64"));

  const std::string stored = kubecensus::toNativeJson(report).dump();
  for (const char* secret :
       {"ip-10-0-0-1", "payments", "i-0123", "10.0.0.1", "c0ffee", "EC2A-1234", "b007"}) {
    INFO(secret);
    CHECK(stored.find(secret) == std::string::npos);
  }
  // What is written back is exactly what was kept.
  const json back = toTectonicJson(report, account);
  CHECK(back["payload"]["kubernetesNodes"][0] ==
        json{{"status",
              {{"capacity", {{"cpu", "1"}, {"memory", "505020Ki"}, {"pods", "40"}}},
               {"nodeInfo",
                {{"osImage", "CoreOS 738.1.0"},
                 {"kernelVersion", "4.0.7-coreos-r2"},
                 {"kubeletVersion", "v1.0.3"},
                 {"containerRuntimeVersion", "docker://1.6.2"},
                 {"operatingSystem", "linux"},
                 {"architecture", "amd64"}}}}}});
}

TEST_CASE("a real Kubernetes Node object in a tectonic payload keeps only its versions and capacity",
          "[report][tectonic]") {
  // What tectonic's generator posted: whole v1 Node objects from the API.
  const json apiNode = kubecensus::parseJson(kctest::fixture("k8s/real/node-linode-lke-1.31-containerd.json"));
  const json body = {{"accountID", "a"},
                     {"accountSecret", "s"},
                     {"payload", {{"clusterID", "c"}, {"kubernetesNodes", json::array({apiNode})}}}};
  const Report report = decode(body);
  REQUIRE(report.nodes.size() == 1);
  const kubecensus::Node& node = report.nodes[0];
  CHECK(node.osImage == std::optional<std::string>("Debian GNU/Linux 12 (bookworm)"));
  CHECK(node.kubeletVersion == std::optional<std::string>("v1.31.0"));
  CHECK(node.containerRuntimeVersion == std::optional<std::string>("containerd://1.7.22"));
  CHECK(node.operatingSystem == std::optional<std::string>("linux"));
  CHECK(node.architecture == std::optional<std::string>("amd64"));
  CHECK(node.capacity.size() == apiNode["status"]["capacity"].size());
  CHECK(node.capacity.front() == kubecensus::Resource{"cpu", "1"});

  const std::string stored = kubecensus::toNativeJson(report).dump();
  CHECK(stored.find(apiNode["metadata"]["name"].get<std::string>()) == std::string::npos);
  CHECK(stored.find(apiNode["status"]["nodeInfo"]["machineID"].get<std::string>()) == std::string::npos);
  CHECK(stored.find(apiNode["status"]["nodeInfo"]["bootID"].get<std::string>()) == std::string::npos);
  for (const auto& address : apiNode["status"]["addresses"]) {
    INFO(address.dump());
    CHECK(stored.find(address["address"].get<std::string>()) == std::string::npos);
  }
}

TEST_CASE("tectonic capacity is sorted by resource name", "[report][tectonic]") {
  json body = seed();
  body["payload"]["kubernetesNodes"][0]["status"]["capacity"] = {
      {"pods", "110"}, {"nvidia.com/gpu", "2"}, {"cpu", "8"}, {"ephemeral-storage", "100Gi"}};
  const Report report = decode(body);
  std::vector<std::string> names;
  for (const auto& resource : report.nodes[0].capacity) names.push_back(resource.resource);
  CHECK(names == std::vector<std::string>{"cpu", "ephemeral-storage", "nvidia.com/gpu", "pods"});
}

TEST_CASE("toTectonicJson writes the format's units and leaves out what it cannot carry",
          "[report][tectonic]") {
  const Report full = kctest::fullReport();
  const TectonicAccount account{"acct-1", "secret-1"};
  const json body = toTectonicJson(full, account);
  CHECK(body["accountID"] == "acct-1");  // the credentials, not report.accountID
  CHECK(body["accountSecret"] == "secret-1");
  CHECK(body["metadata"] == json{{"generated_at", "1795456800"}});  // whole seconds
  CHECK(body["payload"]["kubernetesNodes"].size() == 2);
  CHECK(body["payload"]["kubernetesNodes"][1] ==
        json{{"status", {{"capacity", json::object()}, {"nodeInfo", json::object()}}}});
  const std::string text = body.dump();
  CHECK(text.find("gce") == std::string::npos);        // cloudProvider: not a nodeInfo field
  CHECK(text.find("c8863d09") == std::string::npos);   // node id: the format has none
  CHECK(text.find("forbidden") == std::string::npos);  // errors
  // Only the native format has allocatable, roles, the platform, namespaces and workloads.
  for (const char* absent : {"allocatable", "roles", "control-plane", "3920m", "masterPlatform",
                             "linux/amd64", "namespaces", "workloads", "perNamespace", "Pending"}) {
    CHECK(text.find(absent) == std::string::npos);
  }

  Report noTime = full;
  noTime.generatedAt.reset();
  CHECK(toTectonicJson(noTime, account)["metadata"] == json::object());

  const Report back = decode(body);
  CHECK(back.clusterID == full.clusterID);
  CHECK(back.generatedAt == 1795456800000000);
  CHECK(back.nodes[0].capacity == full.nodes[0].capacity);
  CHECK(back.nodes[0].kubeletVersion == full.nodes[0].kubeletVersion);
}

TEST_CASE("tectonic metadata and nodes are optional", "[report][tectonic]") {
  const json body = {{"accountID", "a"}, {"accountSecret", ""}, {"payload", {{"clusterID", "c"}}}};
  const Report report = decode(body);
  CHECK_FALSE(report.generatedAt.has_value());
  CHECK(report.nodes.empty());
  // Collector-added metadata is accepted and ignored, never trusted.
  json replayed = body;
  replayed["metadata"] = {{"received_at", "1437174812"}, {"received_from", "192.0.2.145"}};
  const Report fromReplay = decode(replayed);
  CHECK_FALSE(fromReplay.receivedAt.has_value());
  CHECK_FALSE(fromReplay.receivedFrom.has_value());
}

TEST_CASE("tectonic validation errors name the field", "[report][tectonic]") {
  auto with = [](const std::string& pointer, json value) {
    json doc = seed();
    doc[json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  auto without = [](const std::string& pointer) {
    json doc = seed();
    json::json_pointer p(pointer);
    doc[p.parent_pointer()].erase(p.back());
    return doc;
  };
  struct Case {
    json doc;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {json::array(), "", "must be a JSON object"},
      {without("/accountID"), "accountID", "is required"},
      {with("/accountID", ""), "accountID", "must not be empty"},
      {without("/accountSecret"), "accountSecret", "is required"},
      {with("/accountSecret", 5), "accountSecret", "must be a string"},
      {with("/metadata", "x"), "metadata", "must be an object"},
      {with("/metadata/generated_at", 1437174715), "metadata.generated_at", "must be a string"},
      {with("/metadata/generated_at", "2015-07-17"), "metadata.generated_at", "decimal digits"},
      {with("/metadata/generated_at", "99999999999999"), "metadata.generated_at",
       "decimal digits"},  // overflow
      {with("/metadata/hostname", "x"), "metadata.hostname", "unknown field"},
      {without("/payload"), "payload", "is required"},
      {with("/payload", json::array()), "payload", "must be an object"},
      {without("/payload/clusterID"), "payload.clusterID", "is required"},
      {with("/payload/clusterID", ""), "payload.clusterID", "must not be empty"},
      {with("/payload/namespaces", json::array()), "payload.namespaces", "unknown field"},
      {with("/payload/kubernetesNodes", json::object()), "payload.kubernetesNodes", "must be an array"},
      {with("/payload/kubernetesNodes/1", "node"), "payload.kubernetesNodes[1]", "must be an object"},
      {with("/payload/kubernetesNodes/0/status", 1), "payload.kubernetesNodes[0].status",
       "must be an object"},
      {with("/payload/kubernetesNodes/0/status/capacity", json::array()),
       "payload.kubernetesNodes[0].status.capacity", "must be an object"},
      {with("/payload/kubernetesNodes/0/status/capacity/cpu", 1),
       "payload.kubernetesNodes[0].status.capacity.cpu", "must be a string"},
      {with("/payload/kubernetesNodes/0/status/nodeInfo", "x"), "payload.kubernetesNodes[0].status.nodeInfo",
       "must be an object"},
      {with("/payload/kubernetesNodes/0/status/nodeInfo/osImage", nullptr),
       "payload.kubernetesNodes[0].status.nodeInfo.osImage", "must be a string"},
      {with("/extra", 1), "extra", "unknown field"},
  };
  for (const auto& c : cases) {
    INFO(c.doc.dump());
    ReportError error = kctest::decodeFailure(decode, c.doc);
    CHECK(error.field() == c.field);
    CHECK_THAT(error.detail(), Catch::Contains(c.message));
  }
}
