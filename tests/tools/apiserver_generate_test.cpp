// kubecensus-test-apiserver --generate: a synthetic cluster of any size, made page by page in
// flat memory, deterministic from --seed, shaped like the captured clusters, with --canary in
// every identifying value.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>

#include "api_client.h"

using namespace kctest;

namespace {

const std::string kSmallCluster =
    "nodes=40,namespaces=12,pods=400,services=60,deployments=40,statefulsets=12,daemonsets=6,jobs=25,"
    "cronjobs=10";

// All items of a list, page by page; `pages` counts the requests.
json listAll(ApiClient& client, const std::string& path, int limit, const std::string& accept,
             int* pages = nullptr, const std::function<void()>& afterPage = nullptr) {
  json items = json::array();
  std::string token;
  int count = 0;
  do {
    const std::string query = "?limit=" + std::to_string(limit) + (token.empty() ? "" : "&continue=" + token);
    ApiAnswer answer = client.get(path + query, accept);
    REQUIRE(answer.status == 200);
    json page = answer.document();
    for (auto& item : page["items"]) items.push_back(std::move(item));
    token = page["metadata"].value("continue", "");
    ++count;
    if (afterPage) afterPage();
  } while (!token.empty());
  if (pages) *pages = count;
  return items;
}

std::string schemeOf(const json& node) {
  const std::string id = node.value("/spec/providerID"_json_pointer, std::string());
  return id.empty() ? "<none>" : id.substr(0, id.find("://"));
}

}  // namespace

TEST_CASE("test apiserver: 5000 generated nodes and 150000 pods are listed page by page in flat memory") {
  TestApiServer server({"--generate", "nodes=5000,namespaces=200,pods=150000", "--seed", "42"});
  ApiClient client(server);
  long peakKiB = residentKiB(server.pid());
  auto sample = [&] { peakKiB = std::max(peakKiB, residentKiB(server.pid())); };

  int pages = 0;
  json nodes = listAll(client, "/api/v1/nodes", 500, "application/json", &pages, sample);
  CHECK(pages == 10);
  REQUIRE(nodes.size() == 5000);
  std::set<std::string> names, schemes;
  int gpuNodes = 0;
  for (const auto& node : nodes) {
    names.insert(node["metadata"]["name"].get<std::string>());
    schemes.insert(schemeOf(node));
    if (node["status"]["capacity"].contains("nvidia.com/gpu")) ++gpuNodes;
  }
  CHECK(names.size() == 5000);
  CHECK(schemes.size() >= 6);
  CHECK(gpuNodes > 50);

  // Metadata-only, as an informer-less agent lists pods; 2000 a page.
  std::map<std::string, long> perNamespace;
  std::set<std::string> podNames;
  std::string token;
  pages = 0;
  do {
    json page =
        client.get("/api/v1/pods?limit=2000" + (token.empty() ? "" : "&continue=" + token), kMetadataAccept)
            .document();
    for (const auto& item : page["items"]) {
      ++perNamespace[item["metadata"]["namespace"].get<std::string>()];
      podNames.insert(item["metadata"]["namespace"].get<std::string>() + "/" +
                      item["metadata"]["name"].get<std::string>());
    }
    token = page["metadata"].value("continue", "");
    if (++pages % 5 == 0) sample();
  } while (!token.empty());
  sample();
  CHECK(pages == 75);
  CHECK(podNames.size() == 150000);
  INFO("peak VmRSS " << peakKiB << " KiB");
#ifdef __SANITIZE_ADDRESS__
  CHECK(peakKiB < 1024 * 1024);  // ASan's shadow memory and 256 MiB quarantine (make test-asan)
#else
  CHECK(peakKiB < 64 * 1024);
#endif

  // A few big namespaces and many small ones.
  std::vector<long> sizes;
  for (const auto& [ns, count] : perNamespace) sizes.push_back(count);
  std::sort(sizes.rbegin(), sizes.rend());
  CHECK(sizes.size() == 200);
  CHECK(sizes.front() > 10 * sizes[sizes.size() / 2]);
  CHECK(perNamespace.count("kube-system"));
}

TEST_CASE("test apiserver: generated objects look like the captured ones") {
  TestApiServer server({"--generate", kSmallCluster});
  ApiClient client(server);
  json nodes = listAll(client, "/api/v1/nodes", 100, "application/json");
  json namespaces = listAll(client, "/api/v1/namespaces", 100, "application/json");
  json pods = listAll(client, "/api/v1/pods", 100, "application/json");
  REQUIRE(nodes.size() == 40);
  REQUIRE(namespaces.size() == 12);
  REQUIRE(pods.size() == 400);

  std::set<std::string> schemes, architectures, kubelets, nodeNames;
  int controlPlanes = 0;
  for (const auto& node : nodes) {
    const json& info = node["status"]["nodeInfo"];
    for (const char* field : {"machineID", "systemUUID", "bootID", "kernelVersion", "osImage",
                              "containerRuntimeVersion", "kubeletVersion", "operatingSystem", "architecture"})
      CHECK_FALSE(info.value(field, "").empty());
    CHECK(node["status"]["capacity"].contains("cpu"));
    CHECK(node["status"]["allocatable"].contains("memory"));
    CHECK(node["status"]["addresses"][0]["type"] == "InternalIP");
    schemes.insert(schemeOf(node));
    architectures.insert(info["architecture"].get<std::string>());
    kubelets.insert(info["kubeletVersion"].get<std::string>());
    nodeNames.insert(node["metadata"]["name"].get<std::string>());
    if (node["metadata"]["labels"].contains("node-role.kubernetes.io/control-plane")) ++controlPlanes;
  }
  CHECK(schemes.size() >= 3);
  CHECK(kubelets.size() >= 2);
  CHECK(controlPlanes == 3);

  std::set<std::string> namespaceNames;
  for (const auto& ns : namespaces) namespaceNames.insert(ns["metadata"]["name"].get<std::string>());
  for (const std::string system : {"kube-system", "default", "kube-public", "kube-node-lease"})
    CHECK(namespaceNames.count(system));

  std::set<std::string> phases;
  std::string oldest = "9999", newest = "0000";
  for (const auto& pod : pods) {
    phases.insert(pod["status"]["phase"].get<std::string>());
    CHECK(namespaceNames.count(pod["metadata"]["namespace"].get<std::string>()));
    if (pod["spec"].contains("nodeName")) CHECK(nodeNames.count(pod["spec"]["nodeName"].get<std::string>()));
    CHECK_FALSE(pod["spec"]["containers"].empty());
    const std::string created = pod["metadata"]["creationTimestamp"];
    oldest = std::min(oldest, created);
    newest = std::max(newest, created);
  }
  CHECK(phases.size() >= 4);
  CHECK(oldest >= "2023-09-01T00:00:00Z");
  CHECK(newest <= "2025-09-01T00:00:00Z");
  CHECK(std::stoi(newest.substr(0, 4)) * 12 + std::stoi(newest.substr(5, 2)) -
            (std::stoi(oldest.substr(0, 4)) * 12 + std::stoi(oldest.substr(5, 2))) >=
        12);

  for (const std::string path :
       {"/api/v1/services", "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets",
        "/apis/apps/v1/daemonsets", "/apis/batch/v1/jobs", "/apis/batch/v1/cronjobs"}) {
    json list = client.get(path).document();
    INFO(path);
    CHECK(list["items"].size() > 0);
    for (const auto& item : list["items"])
      CHECK(namespaceNames.count(item["metadata"]["namespace"].get<std::string>()));
  }
  CHECK(client.get("/api/v1/namespaces/kube-system").document()["metadata"]["name"] == "kube-system");
  const std::string someNode = nodes[17]["metadata"]["name"];
  CHECK(client.get("/api/v1/nodes/" + someNode).document() == [&] {
    json n = nodes[17];
    n["kind"] = "Node";
    n["apiVersion"] = "v1";
    return n;
  }());
}

TEST_CASE("test apiserver: a generated cluster is the same for the same --seed") {
  auto snapshot = [](const std::string& seed) {
    TestApiServer server({"--generate", kSmallCluster, "--seed", seed});
    ApiClient client(server);
    std::string all;
    for (const std::string path : {"/api/v1/nodes?limit=7", "/api/v1/namespaces", "/api/v1/pods?limit=50",
                                   "/apis/apps/v1/deployments", "/apis/batch/v1/cronjobs"})
      all += client.get(path).document()["items"].dump() + "\n";  // the continue token holds a time
    const std::string kubeSystemUid =
        client.get("/api/v1/namespaces/kube-system").document()["metadata"]["uid"];
    return std::pair{all, kubeSystemUid};
  };
  auto a = snapshot("7");
  auto b = snapshot("7");
  auto c = snapshot("8");
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);
  CHECK(a.second != c.second);
  // kube-system's uid is a plain UUID, the cluster's identity for agents.
  CHECK(a.second.size() == 36);
}

TEST_CASE("test apiserver: --canary is in every generated name, label value, annotation, image and id") {
  const std::string canary = "kc-canary-q7z";
  TestApiServer server({"--generate", kSmallCluster, "--canary", canary});
  ApiClient client(server);
  // Labels whose values come from a fixed vocabulary, as on real clusters.
  const std::set<std::string> enumerated{"kubernetes.io/arch",
                                         "beta.kubernetes.io/arch",
                                         "kubernetes.io/os",
                                         "beta.kubernetes.io/os",
                                         "node.kubernetes.io/instance-type",
                                         "beta.kubernetes.io/instance-type",
                                         "topology.kubernetes.io/region",
                                         "failure-domain.beta.kubernetes.io/region",
                                         "topology.kubernetes.io/zone",
                                         "failure-domain.beta.kubernetes.io/zone",
                                         "node-role.kubernetes.io/control-plane",
                                         "node-role.kubernetes.io/worker",
                                         "eks.amazonaws.com/capacityType",
                                         "cloud.google.com/gke-os-distribution",
                                         "cloud.google.com/gke-accelerator",
                                         "kubernetes.azure.com/mode",
                                         "nvidia.com/gpu.product",
                                         "nvidia.com/gpu.count",
                                         "pod-template-hash"};
  const std::set<std::string> systemNamespaces{"kube-system", "default", "kube-public", "kube-node-lease"};

  std::set<std::string> uids, images;
  std::size_t objects = 0;
  auto checkImages = [&](const json& podSpec) {
    for (const auto& c : podSpec["containers"]) {
      const std::string image = c["image"];
      CHECK(contains(image, canary));
      CHECK(images.insert(image).second);
    }
  };
  for (const std::string path :
       {"/api/v1/nodes", "/api/v1/namespaces", "/api/v1/pods", "/api/v1/services",
        "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets", "/apis/apps/v1/daemonsets",
        "/apis/batch/v1/jobs", "/apis/batch/v1/cronjobs"}) {
    json list = client.get(path).document();
    std::set<std::string> names;
    for (const auto& item : list["items"]) {
      ++objects;
      const json& meta = item["metadata"];
      const std::string name = meta["name"];
      INFO(path << " " << name);
      CHECK(names.insert(meta.value("namespace", "") + "/" + name).second);
      CHECK(uids.insert(meta["uid"].get<std::string>()).second);
      if (systemNamespaces.count(name) && path == "/api/v1/namespaces") continue;
      CHECK(contains(name, canary));
      CHECK(contains(meta["uid"], canary));
      const json labels = meta.value("labels", json::object());
      for (const auto& [key, value] : labels.items())
        if (!enumerated.count(key)) CHECK(contains(value, canary));
      const json annotations = meta.value("annotations", json::object());
      for (const auto& [key, value] : annotations.items())
        if (key != "alpha.kubernetes.io/provided-node-ip") CHECK(contains(value, canary));
      for (const auto& owner : meta.value("ownerReferences", json::array())) {
        CHECK(contains(owner["name"], canary));
        CHECK(contains(owner["uid"], canary));
      }
      if (item["spec"].contains("containers")) checkImages(item["spec"]);
      if (item["spec"].contains("template")) checkImages(item["spec"]["template"]["spec"]);
      if (item["spec"].contains("jobTemplate"))
        checkImages(item["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
      if (path == "/api/v1/nodes") {
        if (item["spec"].contains("providerID")) CHECK(contains(item["spec"]["providerID"], canary));
        for (const char* id : {"machineID", "systemUUID", "bootID"})
          CHECK(contains(item["status"]["nodeInfo"][id], canary));
        for (const auto& address : item["status"]["addresses"])
          if (address["type"] == "Hostname" || address["type"] == "InternalDNS")
            CHECK(contains(address["address"], canary));
        for (const auto& image : item["status"]["images"])
          for (const auto& n : image["names"]) CHECK(contains(n, canary));
      }
    }
  }
  CHECK(objects == 40 + 12 + 400 + 60 + 40 + 12 + 6 + 25 + 10);

  // Without --canary the same cluster has none of it.
  TestApiServer plain({"--generate", kSmallCluster});
  CHECK_FALSE(contains(ApiClient(plain).get("/api/v1/pods").body, canary));
}
