// The privacy promise of the k8s-* sources, checked against every recorded API object: nothing
// that names or locates a machine, a namespace, an object or an organisation reaches the
// encoded report (native or Spartakus).
//
// The identifying strings are collected from the input generically: every string under a key
// that names or addresses something (name, namespace, uid, providerID, address, machineID,
// image, ...; list below), at any depth, and every key and value of labels and annotations.
// Each must be absent from the report's text, as a substring, unless the skip rule says it may
// legitimately be there:
//
//   1. it is shorter than 4 characters ("1", "c2", "aws"): such strings occur inside any text
//      (quantities, hashes, versions), so their presence would prove nothing; or
//   2. it is a substring of something the report carries by design, taken from the input's
//      well-known fields and fixed vocabularies (not from the report): the six nodeInfo
//      values, capacity and allocatable names and quantities, role names (node-role label key
//      suffixes), gitVersion and platform, the cloud provider allow-list, pod phases, workload
//      kinds and the native schema's own key names. This is what lets the label values
//      "linux", "amd64", "agent" (kubernetes.io/role), "control-plane" (tier), "Ubuntu"
//      (os-sku), "nvidia" or a kernel version through, and nothing else.
//
// The strings that identify most directly (object names, namespaces, UIDs, providerIDs,
// addresses, machine and system IDs, images) must never be skipped; the test checks that too.
#include <catch2/catch.hpp>
#include <set>

#include "../../plugins/sources/k8s-namespaces/namespace_summarizer.h"
#include "../../plugins/sources/k8s-nodes/cloud_provider.h"
#include "../../plugins/sources/k8s-nodes/nodes_section.h"
#include "../../plugins/sources/k8s-version/server_version.h"
#include "../../plugins/sources/k8s-workloads/workload_summarizer.h"
#include "k8s_test_support.h"

using namespace kubecensus;
using nlohmann::json;

namespace {

// Keys whose string values (or arrays of strings) name or address something, at any depth.
const std::set<std::string> kIdentifyingKeys{"name",
                                             "generateName",
                                             "namespace",
                                             "uid",
                                             "providerID",
                                             "machineID",
                                             "systemUUID",
                                             "bootID",
                                             "image",
                                             "imageID",
                                             "containerID",
                                             "nodeName",
                                             "hostname",
                                             "address",
                                             "ip",
                                             "hostIP",
                                             "podIP",
                                             "clusterIP",
                                             "clusterIPs",
                                             "externalIPs",
                                             "externalName",
                                             "loadBalancerIP",
                                             "serviceAccount",
                                             "serviceAccountName",
                                             "selfLink",
                                             "claimName",
                                             "secretName",
                                             "names",
                                             "podCIDR",
                                             "podCIDRs",
                                             "host",
                                             "path"};
// Objects whose keys and values are all someone's words.
const std::set<std::string> kFreeFormObjects{"labels", "annotations", "nodeSelector", "matchLabels"};

struct Sensitive {
  std::set<std::string> where;
  bool mustCheck = false;  // a name, namespace, UID, providerID, address, machine ID or image
};

class Input {
 public:
  std::map<std::string, Sensitive> sensitive;
  std::vector<std::string> legit;

  Input() {
    for (const auto& provider : k8s::knownCloudProviders()) legit.emplace_back(provider);
    for (const char* word : {"unknown", "Pending", "Running", "Succeeded", "Failed", "Unknown"})
      legit.push_back(word);
    for (const auto& kind : k8s::workloadKinds()) legit.push_back(kind.resource.resource);
    for (const char* key : {"schema",
                            "kubecensus.report/v2",
                            "reportID",
                            "clusterID",
                            "generatedAt",
                            "agent",
                            "version",
                            "masterVersion",
                            "masterPlatform",
                            "nodes",
                            "id",
                            "operatingSystem",
                            "osImage",
                            "kernelVersion",
                            "architecture",
                            "containerRuntimeVersion",
                            "kubeletVersion",
                            "cloudProvider",
                            "capacity",
                            "allocatable",
                            "roles",
                            "resource",
                            "value",
                            "namespaces",
                            "count",
                            "ages",
                            "ageSeconds",
                            "bounds",
                            "counts",
                            "averageAgeSeconds",
                            "workloads",
                            "kind",
                            "total",
                            "perNamespace",
                            "phases",
                            "name",
                            "extensions",
                            "errors",
                            "source",
                            "message",
                            "timestamp"}) {
      legit.push_back(key);
    }
  }

  // One listed object: everything identifying in it, and what the report may say about it.
  void addObject(const json& object) {
    walk(object, "");
    const json metadata = object.value("metadata", json::object());
    for (const char* key : {"name", "namespace", "uid"}) mark(metadata.value(key, ""));
    if (object.contains("spec")) mark(object["spec"].value("providerID", ""));
    if (!object.contains("status")) return;
    const json& status = object["status"];
    for (const auto& address : status.value("addresses", json::array())) mark(address.value("address", ""));
    if (status.contains("nodeInfo")) {
      for (const char* key : {"machineID", "systemUUID", "bootID"}) mark(status["nodeInfo"].value(key, ""));
      for (const char* key : {"operatingSystem", "osImage", "kernelVersion", "architecture",
                              "containerRuntimeVersion", "kubeletVersion"}) {
        legit.push_back(status["nodeInfo"].value(key, ""));
      }
    }
    for (const char* list : {"capacity", "allocatable"}) {
      const json resources = status.value(list, json::object());
      for (const auto& [resource, quantity] : resources.items()) {
        legit.push_back(resource);
        legit.push_back(quantity.get<std::string>());
      }
    }
    const json labels = metadata.value("labels", json::object());
    for (const auto& [key, value] : labels.items()) {
      if (key.rfind(k8s::kNodeRolePrefix, 0) == 0) legit.push_back(key.substr(k8s::kNodeRolePrefix.size()));
    }
    for (const auto& container : object.value("spec", json::object()).value("containers", json::array())) {
      mark(container.value("image", ""));
    }
  }

  void addVersion(const json& info) {
    legit.push_back(info.value("gitVersion", ""));
    legit.push_back(info.value("platform", ""));
    for (const auto& [key, value] : info.items()) {
      if (key != "gitVersion" && key != "platform" && value.is_string()) add(value.get<std::string>(), key);
    }
  }

  // The skip rule of this file's comment; the reason, or "" when the string must be absent.
  std::string skipReason(const std::string& text) const {
    if (text.size() < 4) return "shorter than 4 characters";
    for (const auto& allowed : legit) {
      if (!allowed.empty() && allowed.find(text) != std::string::npos) return "part of \"" + allowed + "\"";
    }
    return "";
  }

 private:
  void add(const std::string& text, const std::string& where) { sensitive[text].where.insert(where); }
  void mark(const std::string& text) {
    if (!text.empty()) sensitive[text].mustCheck = true;
  }

  void walk(const json& value, const std::string& path) {
    if (value.is_array()) {
      for (const auto& element : value) walk(element, path + "[]");
    } else if (value.is_object()) {
      for (const auto& [key, child] : value.items()) {
        const std::string childPath = path + "." + key;
        if (kFreeFormObjects.count(key) && child.is_object()) {
          for (const auto& [k, v] : child.items()) {
            add(k, childPath + " key");
            if (v.is_string()) add(v.get<std::string>(), childPath + "." + k);
          }
          continue;
        }
        if (kIdentifyingKeys.count(key)) {
          if (child.is_string()) add(child.get<std::string>(), childPath);
          if (child.is_array()) {
            for (const auto& element : child)
              if (element.is_string()) add(element.get<std::string>(), childPath + "[]");
          }
        }
        walk(child, childPath);
      }
    }
  }
};

// Runs the source that reads `fixture` (as every source would: both node ID modes for nodes)
// and returns the report, encoded natively and as a Spartakus record.
std::string reportTextFor(const std::string& fixture, Input& input) {
  kctest::FakeKubeApi api;
  kctest::TestCollectContext context;
  context.clock = kctest::at("2025-10-01T00:00:00Z");
  const Report report = kctest::collectInto("source.test", [&](ReportBuilder& builder) {
    if (fixture.rfind("version-", 0) == 0) {
      const json info = kctest::versionBody(fixture);
      input.addVersion(info);
      api.gets["/version"] = info;
      k8s::collectServerVersion(api, context, builder);
      return;
    }
    const std::vector<json> items = kctest::realItems(fixture);
    for (const auto& item : items) input.addObject(item);
    if (fixture.rfind("node", 0) == 0) {
      api.lists["nodes"] = items;
      k8s::collectNodes(api, context, builder, k8s::NodeIdMode::Keyed);
      k8s::collectNodes(api, context, builder, k8s::NodeIdMode::SpartakusCompat);
    } else if (fixture.rfind("namespacelist-", 0) == 0) {
      api.lists["namespaces"] = items;
      k8s::collectNamespaces(api, context, builder);
    } else {
      const std::map<std::string, std::string> lists{
          {"podlist-", "pods"}, {"servicelist-", "services"}, {"deploymentlist-", "deployments.apps"}};
      bool known = false;
      for (const auto& [prefix, resource] : lists) {
        if (fixture.rfind(prefix, 0) == 0) {
          api.lists[resource] = items;
          known = true;
        }
      }
      REQUIRE(known);  // a new kind of fixture needs its source here
      k8s::collectWorkloads(api, context, builder);
    }
  });
  CHECK(report.errors.empty());
  return encodeReport(report, ReportFormat::Native) + "\n" + encodeReport(report, ReportFormat::SpartakusV1);
}

}  // namespace

TEST_CASE(
    "privacy: no name, address, label, annotation, UID, image or providerID of any recorded object "
    "reaches the report",
    "[plugins][k8s][privacy]") {
  std::size_t checked = 0;
  std::set<std::string> skippedValues;
  for (const auto& fixture : kctest::realFixtures("")) {
    INFO(fixture);
    Input input;
    const std::string text = reportTextFor(fixture, input);
    REQUIRE_FALSE(input.sensitive.empty());
    for (const auto& [value, sensitive] : input.sensitive) {
      const std::string reason = input.skipReason(value);
      if (!reason.empty()) {
        INFO("\"" << value << "\" (" << *sensitive.where.begin() << ") was skipped: " << reason);
        CHECK_FALSE(sensitive.mustCheck);
        if (value.size() >= 4) skippedValues.insert(value);
        continue;
      }
      ++checked;
      INFO("\"" << value << "\" from " << *sensitive.where.begin());
      CHECK(text.find(value) == std::string::npos);
    }
  }
  // The check is not vacuous: about 2,000 strings of the recorded objects are looked for, and the
  // rule lets through only 13 longer than 3 characters: "22.04", "6.8.0-1015-aws", "Ubuntu",
  // "agent", "amd64", "arm64", "containerd", "linux", "load" (in "workloads"), "master",
  // "namespace", "node", "nvidia".
  CHECK(checked > 1800);
  INFO("skipped: " << json(skippedValues).dump());
  CHECK(skippedValues.size() < 20);
}

TEST_CASE("privacy: the roles and capacity of the report are the input's well-known keys, not its values",
          "[plugins][k8s][privacy]") {
  // A node whose label values and providerID spell out an organisation.
  const json node = {
      {"metadata",
       {{"name", "acme-payments-prod-7"},
        {"uid", "0f9c3c1e-5f2d-4c8e-9a57-1d2e3f4a5b6c"},
        {"labels",
         {{"node-role.kubernetes.io/worker", "acme-payments"},
          {"kubernetes.io/hostname", "acme-payments-prod-7.corp.acme.example"},
          {"team", "acme-billing"}}},
        {"annotations", {{"acme.example/owner", "jane.doe@acme.example"}}}}},
      {"spec", {{"providerID", "acme-cloud://zurich-dc/rack4/acme-payments-prod-7"}}},
      {"status",
       {{"addresses", {{{"type", "InternalIP"}, {"address", "10.20.30.40"}}}},
        {"nodeInfo", {{"machineID", "f00dfeedf00dfeedf00dfeedf00dfeed"}, {"systemUUID", "acme-uuid-1"}}},
        {"capacity", {{"cpu", "8"}}}}}};
  kctest::FakeKubeApi api;
  api.lists["nodes"] = {node};
  kctest::TestCollectContext context;
  const Report report = kctest::collectInto("source.k8s-nodes", [&](ReportBuilder& b) {
    k8s::collectNodes(api, context, b, k8s::NodeIdMode::Keyed);
  });
  const std::string text = encodeReport(report, ReportFormat::Native);
  for (const char* secret : {"acme", "10.20.30.40", "f00dfeed", "0f9c3c1e", "jane.doe", "zurich", "rack4"}) {
    CHECK(text.find(secret) == std::string::npos);
  }
  REQUIRE(report.nodes.size() == 1);
  CHECK(report.nodes[0].roles == std::vector<std::string>{"worker"});
  CHECK(report.nodes[0].cloudProvider == "unknown");
}
