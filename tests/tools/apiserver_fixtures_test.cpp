// Every captured API response in tests/fixtures/k8s/real is served as a proper list of its
// resource, whatever shape the file has (typed List, kubectl's "List", a bare array, one object).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "api_client.h"

using namespace kctest;

namespace {

struct FixtureFile {
  std::string resource;  // --objects name
  std::string file;      // under tests/fixtures/k8s/real
};

// The objects of a fixture file, whatever its shape.
json fixtureItems(const std::string& file) {
  json doc = json::parse(fixture("k8s/real/" + file));
  if (doc.is_array()) return doc;
  if (doc.contains("items")) return doc["items"];
  return json::array({doc});
}

std::vector<FixtureFile> nodeFiles() {
  std::vector<FixtureFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(fixturePath("k8s/real"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("node", 0) == 0) files.push_back({"nodes", name});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return files;
}

// Serves `files` (names must not repeat across them) and checks that each file's objects come
// back, in order, as one run of the resource's list, with the server's list shape.
void checkServed(const std::vector<FixtureFile>& files) {
  std::vector<std::string> args;
  for (const auto& f : files)
    args.insert(args.end(), {"--objects", TestApiServer::fixtureObjects(f.resource, "k8s/real/" + f.file)});
  TestApiServer server(args);
  ApiClient client(server);

  struct Expected {
    std::string path, listKind, kind, apiVersion;
  };
  const std::map<std::string, Expected> expected{
      {"nodes", {"/api/v1/nodes", "NodeList", "Node", "v1"}},
      {"namespaces", {"/api/v1/namespaces", "NamespaceList", "Namespace", "v1"}},
      {"pods", {"/api/v1/pods", "PodList", "Pod", "v1"}},
      {"services", {"/api/v1/services", "ServiceList", "Service", "v1"}},
      {"deployments.apps", {"/apis/apps/v1/deployments", "DeploymentList", "Deployment", "apps/v1"}}};

  std::map<std::string, json> lists;
  std::map<std::string, std::size_t> consumed;
  for (const auto& f : files) {
    const Expected& e = expected.at(f.resource);
    if (!lists.count(f.resource)) {
      ApiAnswer answer = client.get(e.path);
      REQUIRE(answer.status == 200);
      json list = answer.document();
      CHECK(list["kind"] == e.listKind);
      CHECK(list["apiVersion"] == e.apiVersion);
      CHECK(std::stoull(list["metadata"]["resourceVersion"].get<std::string>()) > 0);
      CHECK_FALSE(list["metadata"].contains("continue"));
      for (const auto& item : list["items"]) {
        // kube-apiserver leaves the type off the items of a typed list.
        CHECK_FALSE(item.contains("kind"));
        CHECK_FALSE(item.contains("apiVersion"));
      }
      lists[f.resource] = std::move(list);
    }
    INFO(f.file);
    const json& list = lists[f.resource];
    const json items = fixtureItems(f.file);
    std::size_t& at = consumed[f.resource];
    REQUIRE(list["items"].size() >= at + items.size());
    for (const auto& item : items) {
      json served = list["items"][at++];
      CHECK(served["metadata"] == item["metadata"]);
      CHECK(served.value("status", json()) == item.value("status", json()));
      // The same object fetched alone carries its type, also when the capture lost it.
      if (f.resource == "nodes" || f.resource == "namespaces") {
        json single = client.get(e.path + "/" + item["metadata"]["name"].get<std::string>()).document();
        CHECK(single["kind"] == e.kind);
        CHECK(single["apiVersion"] == e.apiVersion);
        CHECK(single["metadata"]["uid"] == item["metadata"].value("uid", json()));
      }
    }
  }
  for (const auto& [resource, list] : lists) CHECK(list["items"].size() == consumed[resource]);
}

}  // namespace

TEST_CASE("test apiserver: every node fixture is served as a NodeList (typed, kubectl List, array, single)") {
  const std::vector<FixtureFile> files = nodeFiles();
  REQUIRE(files.size() >= 17);
  checkServed(files);
}

TEST_CASE("test apiserver: namespace, pod, service and deployment fixtures are served as their lists") {
  checkServed({{"namespaces", "namespacelist-k3s-1.33.json"},
               {"pods", "podlist-k3s-1.33-kube-system.json"},
               {"pods", "podlist-kind-1.20-kube-system.json"},
               {"services", "servicelist-k3s-1.33-kube-system.json"},
               {"deployments.apps", "deploymentlist-k3s-1.33-kube-system.json"}});
  checkServed({{"namespaces", "namespacelist-kurl-1.23-9ns.json"}});
}

TEST_CASE("test apiserver: namespaced fixtures are listed per namespace too") {
  TestApiServer server(
      {"--objects", TestApiServer::fixtureObjects("pods", "k8s/real/podlist-kind-1.20-kube-system.json"),
       "--objects",
       TestApiServer::fixtureObjects("deployments", "k8s/real/deploymentlist-k3s-1.33-kube-system.json")});
  ApiClient client(server);
  CHECK(client.get("/api/v1/namespaces/kube-system/pods").document()["items"].size() == 14);
  CHECK(client.get("/api/v1/namespaces/default/pods").document()["items"].empty());
  json deployments = client.get("/apis/apps/v1/namespaces/kube-system/deployments").document();
  CHECK(deployments["kind"] == "DeploymentList");
  CHECK(itemNames(deployments) ==
        std::vector<std::string>{"coredns", "local-path-provisioner", "metrics-server", "traefik"});
  json pod = client.get("/api/v1/namespaces/kube-system/pods/etcd-kind-control-plane").document();
  CHECK(pod["kind"] == "Pod");
  CHECK(client.get("/api/v1/namespaces/default/pods/etcd-kind-control-plane").status == 404);
}
