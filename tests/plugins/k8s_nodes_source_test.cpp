// The `k8s-nodes` source (plugins/sources/k8s-nodes): every recorded Node, summarized into
// Spartakus' node fields plus allocatable and roles.
#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "../../plugins/sources/k8s-nodes/cloud_provider.h"
#include "../../plugins/sources/k8s-nodes/nodes_section.h"
#include "k8s_test_support.h"

using namespace kubecensus;
using kctest::FakeKubeApi;
using nlohmann::json;

namespace {

std::vector<json> allRealNodes() {
  std::vector<json> nodes;
  for (const char* prefix : {"node-", "nodelist-", "nodes-array-"}) {
    for (const auto& name : kctest::realFixtures(prefix)) {
      for (auto& node : kctest::realItems(name)) nodes.push_back(std::move(node));
    }
  }
  return nodes;
}

std::vector<Node> summarizeFile(const std::string& name, k8s::NodeIdMode mode = k8s::NodeIdMode::Keyed) {
  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(mode, context);
  std::vector<Node> out;
  for (const auto& item : kctest::realItems(name)) out.push_back(summarizer.summarize(item));
  return out;
}

std::string capacityOf(const std::vector<Resource>& resources, const std::string& name) {
  for (const auto& r : resources)
    if (r.resource == name) return r.value;
  return "<absent>";
}

std::string md5Hex(const std::string& text) {
  Poco::MD5Engine md5;
  md5.update(text);
  return Poco::DigestEngine::digestToHex(md5.digest());
}

std::string identityOf(const json& node) {
  const json& info = node["status"]["nodeInfo"];
  return node["metadata"]["name"].get<std::string>() + info.value("machineID", "") +
         info.value("systemUUID", "");
}

std::vector<Resource> sortedResources(const json& list) {
  std::vector<Resource> out;
  for (const auto& [name, value] : list.items()) out.push_back({name, value.get<std::string>()});
  std::sort(out.begin(), out.end(),
            [](const Resource& a, const Resource& b) { return a.resource < b.resource; });
  return out;
}

}  // namespace

TEST_CASE("k8s-nodes: cloudProvider is the providerID's scheme when it is a known provider",
          "[plugins][k8s][nodes]") {
  CHECK(k8s::cloudProviderOf("aws:///us-east-1a/i-0db18135a80db1566") == "aws");
  CHECK(k8s::cloudProviderOf("azure:///subscriptions/c87dfbe8/resourceGroups/rg/providers/x") == "azure");
  CHECK(k8s::cloudProviderOf("gce://llnl-flux/us-central1-c/gke-gpu-cluster-4") == "gce");
  CHECK(k8s::cloudProviderOf("digitalocean://219734582") == "digitalocean");
  CHECK(k8s::cloudProviderOf("kind://docker/kind/kind-control-plane") == "kind");
  CHECK(k8s::cloudProviderOf("k3s://c9b7eea91") == "k3s");
  CHECK(k8s::cloudProviderOf("linode://71504446") == "linode");
  CHECK(k8s::cloudProviderOf("vsphere://00000000-ffff-ffff-ffff-fffffffffff9") == "vsphere");
  CHECK(k8s::cloudProviderOf("hcloud://1234567") == "hcloud");
  CHECK(k8s::cloudProviderOf("oci://ocid1.instance.oc1.phx.abc") == "oci");
  CHECK(k8s::cloudProviderOf("openstack:///f1a5c1f6-8e0f-4d3b-9b7e-000000000000") == "openstack");
  // Not on the list, not a providerID, or none at all: "unknown", never the text itself.
  CHECK(k8s::cloudProviderOf("acme-private-cloud://rack-7/blade-3") == "unknown");
  CHECK(k8s::cloudProviderOf("AWS:///us-east-1a/i-1") == "unknown");
  CHECK(k8s::cloudProviderOf("cn-hangzhou.i-bp1234") == "unknown");
  CHECK(k8s::cloudProviderOf("aws") == "unknown");
  CHECK(k8s::cloudProviderOf("://x") == "unknown");
  CHECK(k8s::cloudProviderOf("") == "unknown");

  const auto known = k8s::knownCloudProviders();
  CHECK(std::is_sorted(known.begin(), known.end()));
  for (const char* name :
       {"aws", "azure", "gce", "openstack", "vsphere", "alicloud", "digitalocean", "linode", "hcloud", "oci",
        "ibm", "equinixmetal", "packet", "exoscale", "scaleway", "kind", "k3s", "kubevirt", "cloudstack"}) {
    CHECK(std::binary_search(known.begin(), known.end(), std::string_view(name)));
  }
}

TEST_CASE("k8s-nodes: every recorded node keeps exactly the Spartakus fields, allocatable and roles",
          "[plugins][k8s][nodes]") {
  const std::vector<json> nodes = allRealNodes();
  REQUIRE(nodes.size() == 44);
  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(k8s::NodeIdMode::Keyed, context);
  for (const auto& item : nodes) {
    const std::string name = item["metadata"]["name"];
    INFO(name);
    const Node node = summarizer.summarize(item);
    const json& info = item["status"]["nodeInfo"];
    CHECK(node.id == hmacSha256Hex(kctest::kSalt, identityOf(item)));
    for (const auto& [key, member] : std::vector<std::pair<std::string, std::optional<std::string> Node::*>>{
             {"operatingSystem", &Node::operatingSystem},
             {"osImage", &Node::osImage},
             {"kernelVersion", &Node::kernelVersion},
             {"architecture", &Node::architecture},
             {"containerRuntimeVersion", &Node::containerRuntimeVersion},
             {"kubeletVersion", &Node::kubeletVersion}}) {
      const std::string value = info.value(key, "");
      CHECK(node.*member == (value.empty() ? std::nullopt : std::optional<std::string>(value)));
    }
    CHECK(node.capacity == sortedResources(item["status"]["capacity"]));
    CHECK(node.allocatable == sortedResources(item["status"].value("allocatable", json::object())));
    std::vector<std::string> roles;
    const json labels = item["metadata"].value("labels", json::object());
    for (const auto& [key, value] : labels.items()) {
      if (key.rfind("node-role.kubernetes.io/", 0) == 0) roles.push_back(key.substr(24));
    }
    CHECK(node.roles == roles);  // label keys are sorted in the object already
    const std::string providerID = item.value("spec", json::object()).value("providerID", "");
    CHECK(node.cloudProvider ==
          (providerID.empty() ? "unknown" : providerID.substr(0, providerID.find("://"))));
  }
}

TEST_CASE("k8s-nodes: recorded clusters, node by node", "[plugins][k8s][nodes]") {
  SECTION("EKS 1.27, 8 GPU nodes") {
    const auto nodes = summarizeFile("nodelist-eks-1.27-containerd-gpu-8nodes-kubectl-List.json");
    REQUIRE(nodes.size() == 8);
    for (const auto& node : nodes) {
      CHECK(node.cloudProvider == "aws");
      CHECK(node.kubeletVersion == "v1.27.15-eks-1552ad0");
      CHECK(node.containerRuntimeVersion == "containerd://1.7.20");
      CHECK(node.osImage == "Amazon Linux 2");
      CHECK(node.operatingSystem == "linux");
      CHECK(node.architecture == "amd64");
      CHECK(capacityOf(node.capacity, "nvidia.com/gpu") == "8");
      CHECK(capacityOf(node.capacity, "vpc.amazonaws.com/efa") == "1");
      CHECK(node.roles.empty());
    }
    CHECK(nodes[0].allocatable == std::vector<Resource>{{"cpu", "95690m"},
                                                        {"ephemeral-storage", "143870061124"},
                                                        {"hugepages-1Gi", "0"},
                                                        {"hugepages-2Mi", "21122Mi"},
                                                        {"memory", "753772016Ki"},
                                                        {"nvidia.com/gpu", "8"},
                                                        {"pods", "250"},
                                                        {"vpc.amazonaws.com/efa", "1"}});
  }
  SECTION("AKS 1.29: azure, role 'agent' from the label key (the kubernetes.io/role value is not read)") {
    const auto nodes = summarizeFile("nodelist-aks-1.29-containerd-gpu-5nodes-kubectl-List.json");
    REQUIRE(nodes.size() == 5);
    for (const auto& node : nodes) CHECK(node.cloudProvider == "azure");
    CHECK(capacityOf(nodes[0].capacity, "nvidia.com/gpu") == "<absent>");
    CHECK(capacityOf(nodes[1].capacity, "nvidia.com/gpu") == "8");
    const auto single = summarizeFile("node-aks-1.28-containerd-sanitized.json");
    CHECK(single[0].roles == std::vector<std::string>{"agent"});
  }
  SECTION("GKE: gce, COS") {
    for (const char* file : {"nodelist-gke-1.30-cos-containerd-gpu-4nodes-kubectl-List.json",
                             "node-gke-1.31-cos-containerd-sanitized.json"}) {
      for (const auto& node : summarizeFile(file)) {
        CHECK(node.cloudProvider == "gce");
        CHECK_THAT(*node.osImage, Catch::Contains("Container-Optimized OS"));
      }
    }
  }
  SECTION("kind 1.20: three nodes, roles only on the control plane") {
    const auto nodes = summarizeFile("nodelist-kind-1.20-containerd-3nodes.json");
    REQUIRE(nodes.size() == 3);
    CHECK(nodes[0].roles == std::vector<std::string>{"control-plane", "master"});
    CHECK(nodes[1].roles.empty());
    CHECK(nodes[2].roles.empty());
    for (const auto& node : nodes) {
      CHECK(node.cloudProvider == "kind");
      CHECK(node.kubeletVersion == "v1.20.0");
      CHECK(node.containerRuntimeVersion == "containerd://1.4.0");
    }
  }
  SECTION("kind 1.33 on arm64") {
    const auto nodes = summarizeFile("nodelist-kind-1.33-arm64-containerd2-2nodes.json");
    REQUIRE(nodes.size() == 2);
    CHECK(nodes[0].roles == std::vector<std::string>{"control-plane"});
    for (const auto& node : nodes) {
      CHECK(node.cloudProvider == "kind");
      CHECK(node.architecture == "arm64");
      CHECK(node.kubeletVersion == "v1.33.1");
      CHECK(node.containerRuntimeVersion == "containerd://2.1.1");
      CHECK(node.osImage == "Debian GNU/Linux 12 (bookworm)");
      CHECK(capacityOf(node.capacity, "hugepages-64Ki") == "0");
    }
  }
  SECTION("k3s, Linode, vSphere, minikube, OpenShift, kURL, DigitalOcean, self-managed AWS") {
    const auto k3s = summarizeFile("nodelist-k3s-1.33-containerd-1node.json");
    CHECK(k3s[0].cloudProvider == "k3s");
    CHECK(k3s[0].roles == std::vector<std::string>{"control-plane", "master"});
    CHECK(k3s[0].containerRuntimeVersion == "containerd://2.0.5-k3s2");
    CHECK(summarizeFile("node-linode-lke-1.31-containerd.json")[0].cloudProvider == "linode");
    CHECK(summarizeFile("node-vsphere-1.28-rocky-containerd-sanitized.json")[0].cloudProvider == "vsphere");
    const auto minikube = summarizeFile("node-minikube-1.17.0-docker.json");
    CHECK(minikube[0].cloudProvider == "unknown");  // no providerID
    CHECK(minikube[0].roles == std::vector<std::string>{"master"});
    CHECK(minikube[0].containerRuntimeVersion == "docker://19.3.5");
    const auto openshift = summarizeFile("node-openshift-4.4-gcp-k8s-1.17-crio.json");
    CHECK(openshift[0].cloudProvider == "gce");
    CHECK(openshift[0].roles == std::vector<std::string>{"worker"});
    CHECK(openshift[0].containerRuntimeVersion == "cri-o://1.17.4-18.dev.rhaos4.4.gitfb8131a.el8");
    const auto bareMetal =
        summarizeFile("node-openshift-4.7-baremetal-k8s-1.20-crio.json");  // no kind/apiVersion
    CHECK(bareMetal[0].cloudProvider == "unknown");
    CHECK(bareMetal[0].kubeletVersion == "v1.20.0+2817867");
    const auto kurl = summarizeFile("nodelist-kurl-baremetal-1.23-docker-3nodes.json");
    for (const auto& node : kurl) CHECK(node.cloudProvider == "unknown");
    const auto mixed = summarizeFile("nodelist-mixed-digitalocean-1.19-docker-1.16-1.29-containerd.json");
    REQUIRE(mixed.size() == 7);
    std::multiset<std::string> providers;
    for (const auto& node : mixed) providers.insert(*node.cloudProvider);
    CHECK(providers.count("digitalocean") == 5);
    CHECK(providers.count("unknown") == 2);
    CHECK(mixed[6].architecture == "x86_64");  // as recorded (hand-edited upstream)
    CHECK(capacityOf(mixed[6].capacity, "nvidia.com/gpu") == "1");
    const auto aws17 = summarizeFile("nodes-array-aws-selfmanaged-1.7.2-docker-3nodes.json");
    REQUIRE(aws17.size() == 3);
    for (const auto& node : aws17) {
      CHECK(node.cloudProvider == "aws");
      CHECK(node.kubeletVersion == "v1.7.2");
      CHECK(node.allocatable.size() == 3);
    }
    CHECK(aws17[1].roles == std::vector<std::string>{"master"});
  }
}

TEST_CASE("k8s-nodes: spartakus-compat IDs are Spartakus' MD5 of name + machineID + systemUUID",
          "[plugins][k8s][nodes]") {
  REQUIRE(md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e");  // the test's own MD5 is MD5
  REQUIRE(md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(k8s::spartakusNodeId("abc") == "900150983cd24fb0d6963f7d28e17f72");

  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(k8s::NodeIdMode::SpartakusCompat, context);
  for (const auto& item : allRealNodes()) {
    INFO(item["metadata"]["name"]);
    CHECK(summarizer.summarize(item).id == md5Hex(identityOf(item)));
  }
  CHECK(context.identities.empty());  // the keyed hash is not used at all

  // Computed outside this code base (Python hashlib) for the first EKS node.
  const auto eks = summarizeFile("nodelist-eks-1.27-containerd-gpu-8nodes-kubectl-List.json",
                                 k8s::NodeIdMode::SpartakusCompat);
  CHECK(eks[0].id == "6773e64e5bfb351294b2ba9008e1bbb4");
  CHECK(summarizeFile("node-minikube-1.17.0-docker.json", k8s::NodeIdMode::SpartakusCompat)[0].id ==
        "fe32b96da3c43443ca90ff6686084ed0");
}

TEST_CASE("k8s-nodes: keyed IDs go through CollectContext::anonymize", "[plugins][k8s][nodes]") {
  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(k8s::NodeIdMode::Keyed, context);
  const json item = kctest::realItems("node-minikube-1.17.0-docker.json")[0];
  const Node node = summarizer.summarize(item);
  REQUIRE(context.identities.size() == 1);
  CHECK(context.identities[0] ==
        "minikube6c484e2bfebf46f2ac854c484bcfa392dbc511ea-0000-0000-a42f-acde48001122");
  CHECK(node.id == hmacSha256Hex(kctest::kSalt, context.identities[0]));
  CHECK(std::regex_match(*node.id, std::regex("[0-9a-f]{64}")));
}

TEST_CASE("k8s-nodes: empty nodeInfo strings are absent, odd types are ignored", "[plugins][k8s][nodes]") {
  kctest::TestCollectContext context;
  const k8s::NodeSummarizer summarizer(k8s::NodeIdMode::Keyed, context);
  const json item = {
      {"metadata",
       {{"name", "n1"},
        {"labels", {{"node-role.kubernetes.io/", ""}, {"node-role.kubernetes.io/gpu", "x"}}}}},
      {"spec", {{"providerID", 7}}},
      {"status",
       {{"nodeInfo",
         {{"osImage", ""}, {"kernelVersion", 5}, {"architecture", "riscv64"}, {"swap", {{"capacity", 1}}}}},
        {"capacity", {{"pods", "110"}, {"cpu", 4}, {"memory", "1Gi"}}},
        {"allocatable", "everything"}}}};
  const Node node = summarizer.summarize(item);
  CHECK_FALSE(node.osImage.has_value());
  CHECK_FALSE(node.kernelVersion.has_value());
  CHECK_FALSE(node.operatingSystem.has_value());
  CHECK(node.architecture == "riscv64");
  CHECK(node.cloudProvider == "unknown");
  CHECK(node.capacity == std::vector<Resource>{{"memory", "1Gi"}, {"pods", "110"}});
  CHECK(node.allocatable.empty());
  CHECK(node.roles == std::vector<std::string>{"gpu"});  // the key's name, never the value "x"

  // Not even an object: an (anonymized) node that knows nothing.
  const Node nothing = summarizer.summarize(json::array());
  CHECK(nothing.id.has_value());
  CHECK(nothing.cloudProvider == "unknown");
  CHECK(nothing.capacity.empty());
}

TEST_CASE("k8s-nodes: the list streams into report nodes, restarts and failures included",
          "[plugins][k8s][nodes]") {
  const std::vector<json> items = kctest::realItems("nodelist-kind-1.20-containerd-3nodes.json");
  auto run = [](FakeKubeApi& api, kctest::TestCollectContext& context, k8s::NodeIdMode mode) {
    return kctest::collectInto("source.k8s-nodes",
                               [&](ReportBuilder& report) { k8s::collectNodes(api, context, report, mode); });
  };

  SECTION("full objects, one report node per Node") {
    FakeKubeApi api;
    api.lists["nodes"] = items;
    kctest::TestCollectContext context;
    const Report report = run(api, context, k8s::NodeIdMode::Keyed);
    REQUIRE(api.calls.size() == 1);
    CHECK(api.calls[0].what == "nodes");
    CHECK_FALSE(api.calls[0].metadataOnly);  // the fields are in status
    CHECK(report.nodes.size() == 3);
    CHECK(report.errors.empty());
  }
  SECTION("a list that starts over (410) does not count a node twice") {
    FakeKubeApi api;
    api.lists["nodes"] = items;
    api.restartAfter["nodes"] = 2;
    kctest::TestCollectContext context;
    const Report report = run(api, context, k8s::NodeIdMode::SpartakusCompat);
    REQUIRE(report.nodes.size() == 3);
    CHECK(report.nodes[0].id == md5Hex(identityOf(items[0])));
    CHECK(report.nodes[2].id == md5Hex(identityOf(items[2])));
  }
  SECTION("forbidden: no nodes, an error with the RBAC rule") {
    FakeKubeApi api;
    api.failures.emplace("nodes", KubeError(403,
                                            "forbidden: cannot list nodes. The API server said: User "
                                            "\"system:serviceaccount:acme:census\" cannot list"));
    kctest::TestCollectContext context;
    const Report report = run(api, context, k8s::NodeIdMode::Keyed);
    CHECK(report.nodes.empty());
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].source == "source.k8s-nodes");
    CHECK(report.errors[0].message ==
          "not allowed to list nodes (HTTP 403), so the report has no nodes; grant it with an RBAC "
          "rule: "
          "{apiGroups: [\"\"], resources: [\"nodes\"], verbs: [\"list\"]}");
  }
  SECTION("cancelled: stops at the next node") {
    FakeKubeApi api;
    api.lists["nodes"] = items;
    kctest::TestCollectContext context;
    int asked = 0;
    context.cancelWhen = [&] { return ++asked > 1; };
    CHECK_THROWS_AS(run(api, context, k8s::NodeIdMode::Keyed), k8s::CollectionCancelled);
    CHECK(asked == 2);
  }
}

TEST_CASE("k8s-nodes: node_id must be keyed or spartakus-compat", "[plugins][k8s][nodes]") {
  CHECK(k8s::parseNodeIdMode("keyed") == k8s::NodeIdMode::Keyed);
  CHECK(k8s::parseNodeIdMode("Spartakus-Compat") == k8s::NodeIdMode::SpartakusCompat);
  CHECK_FALSE(k8s::parseNodeIdMode("md5").has_value());
  CHECK_THAT(kctest::createError<Source>("k8s-nodes", {{"node_id", "md5"}}),
             Catch::Contains("node_id") && Catch::Contains("keyed, spartakus-compat"));
  CHECK_NOTHROW(kctest::makePlugin<Source>("k8s-nodes", {{"node_id", "spartakus-compat"}}));
  const PluginDescriptor& d = *kctest::realPlugin("k8s-nodes").descriptor;
  REQUIRE(d.optionCount == 1);
  CHECK(std::string(d.options[0].name) == "node_id");
  CHECK(std::string(d.options[0].defaultValue) == "keyed");
  CHECK(std::string(d.options[0].choices) == "keyed,spartakus-compat");
}
