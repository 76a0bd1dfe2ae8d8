// kubecensus-test-apiserver lists: limit/continue pagination, expired continue tokens,
// PartialObjectMetadataList and Table, and the hostile options (--forbid, --fail-after-pages).
#include <catch2/catch.hpp>

#include <thread>

#include "api_client.h"

using namespace kctest;

namespace {

const std::string kKindNodes = "k8s/real/nodelist-kind-1.20-containerd-3nodes.json";
const std::vector<std::string> kKindNodeNames{"kind-control-plane", "kind-worker", "kind-worker2"};

std::vector<std::string> kindServer() {
  return {"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes)};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("test apiserver: limit=2 over three nodes gives two pages joined by continue") {
  TestApiServer server(kindServer());
  ApiClient client(server);

  json first = client.get("/api/v1/nodes?limit=2").document();
  CHECK(first["kind"] == "NodeList");
  CHECK(itemNames(first) == std::vector<std::string>{"kind-control-plane", "kind-worker"});
  const std::string resourceVersion = first["metadata"]["resourceVersion"];
  CHECK_FALSE(resourceVersion.empty());
  CHECK(first["metadata"]["remainingItemCount"] == 1);
  const std::string token = first["metadata"].value("continue", "");
  REQUIRE_FALSE(token.empty());

  json second = client.get("/api/v1/nodes?limit=2&continue=" + token).document();
  CHECK(itemNames(second) == std::vector<std::string>{"kind-worker2"});
  CHECK(second["metadata"]["resourceVersion"] == resourceVersion);
  CHECK_FALSE(second["metadata"].contains("continue"));
  CHECK_FALSE(second["metadata"].contains("remainingItemCount"));

  for (const std::string query : {"", "?limit=0", "?limit=3", "?limit=500"}) {
    json all = client.get("/api/v1/nodes" + query).document();
    INFO(query);
    CHECK(itemNames(all) == kKindNodeNames);
    CHECK_FALSE(all["metadata"].contains("continue"));
    CHECK_FALSE(all["metadata"].contains("remainingItemCount"));
  }
}

TEST_CASE("test apiserver: namespaced lists paginate within their namespace") {
  TestApiServer server(
      {"--objects", TestApiServer::fixtureObjects("pods", "k8s/real/podlist-kind-1.20-kube-system.json")});
  ApiClient client(server);
  std::vector<std::string> names;
  std::vector<long> remaining;
  std::string token;
  int pages = 0;
  do {
    json page =
        client
            .get("/api/v1/namespaces/kube-system/pods?limit=5" + (token.empty() ? "" : "&continue=" + token))
            .document();
    for (const auto& n : itemNames(page)) names.push_back(n);
    token = page["metadata"].value("continue", "");
    if (!token.empty()) remaining.push_back(page["metadata"]["remainingItemCount"]);
    ++pages;
  } while (!token.empty() && pages < 10);
  CHECK(pages == 3);
  CHECK(names.size() == 14);
  CHECK(remaining == std::vector<long>{9, 4});
}

TEST_CASE("test apiserver: a continue token of another list or no token at all is refused with 400") {
  TestApiServer server(
      plus(kindServer(), {"--objects", TestApiServer::fixtureObjects(
                                           "namespaces", "k8s/real/namespacelist-kurl-1.23-9ns.json")}));
  ApiClient client(server);
  const std::string token = client.get("/api/v1/namespaces?limit=2").document()["metadata"]["continue"];
  for (const std::string& path :
       std::vector<std::string>{"/api/v1/nodes?limit=2&continue=" + token,
                                "/api/v1/nodes?continue=not-a-token", "/api/v1/nodes?limit=abc"}) {
    ApiAnswer answer = client.get(path);
    INFO(path << ": " << answer.body);
    CHECK(answer.status == 400);
    CHECK(answer.document()["reason"] == "BadRequest");
  }
}

TEST_CASE("test apiserver: --continue-ttl 0 expires every continue token with 410 Expired") {
  TestApiServer server(plus(kindServer(), {"--continue-ttl", "0"}));
  ApiClient client(server);
  json first = client.get("/api/v1/nodes?limit=2").document();
  CHECK(itemNames(first).size() == 2);
  ApiAnswer expired =
      client.get("/api/v1/nodes?limit=2&continue=" + first["metadata"]["continue"].get<std::string>());
  CHECK(expired.status == 410);
  json status = expired.document();
  CHECK(status["kind"] == "Status");
  CHECK(status["reason"] == "Expired");
  CHECK(status["code"] == 410);
  // A new list still works.
  CHECK(client.get("/api/v1/nodes?limit=2").status == 200);
}

TEST_CASE("test apiserver: --continue-ttl counts from the list's first page") {
  TestApiServer server(plus(kindServer(), {"--continue-ttl", "1"}));
  ApiClient client(server);
  const std::string token = client.get("/api/v1/nodes?limit=1").document()["metadata"]["continue"];
  json second = client.get("/api/v1/nodes?limit=1&continue=" + token).document();
  CHECK(itemNames(second) == std::vector<std::string>{"kind-worker"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  // The token of the second page belongs to the same (now too old) snapshot.
  CHECK(client.get("/api/v1/nodes?limit=1&continue=" + second["metadata"]["continue"].get<std::string>())
            .status == 410);
}

TEST_CASE("test apiserver: as=PartialObjectMetadataList gets metadata only, unless --no-metadata-lists") {
  SECTION("metadata list") {
    TestApiServer server(kindServer());
    ApiAnswer answer = ApiClient(server).get("/api/v1/nodes?limit=2", kMetadataAccept);
    CHECK(answer.status == 200);
    CHECK(answer.contentType == "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");
    json list = answer.document();
    CHECK(list["kind"] == "PartialObjectMetadataList");
    CHECK(list["apiVersion"] == "meta.k8s.io/v1");
    CHECK(list["metadata"]["remainingItemCount"] == 1);
    CHECK_FALSE(list["metadata"]["continue"].get<std::string>().empty());
    CHECK(itemNames(list) == std::vector<std::string>{"kind-control-plane", "kind-worker"});
    for (const auto& item : list["items"]) {
      CHECK(item["kind"] == "PartialObjectMetadata");
      CHECK(item["apiVersion"] == "meta.k8s.io/v1");
      CHECK(item["metadata"].contains("uid"));
      CHECK(item["metadata"].contains("labels"));
      CHECK_FALSE(item.contains("status"));
      CHECK_FALSE(item.contains("spec"));
    }
    json single =
        ApiClient(server)
            .get("/api/v1/nodes/kind-worker", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
            .document();
    CHECK(single["kind"] == "PartialObjectMetadata");
    CHECK(single["metadata"]["name"] == "kind-worker");
  }
  SECTION("an old server sends the full list") {
    TestApiServer server(plus(kindServer(), {"--no-metadata-lists"}));
    ApiAnswer answer = ApiClient(server).get("/api/v1/nodes", kMetadataAccept);
    CHECK(answer.contentType == "application/json");
    json list = answer.document();
    CHECK(list["kind"] == "NodeList");
    CHECK(list["items"][0].contains("status"));
  }
}

TEST_CASE("test apiserver: Accept negotiation skips protobuf and unknown representations") {
  TestApiServer server(kindServer());
  ApiClient client(server);
  CHECK(client.get("/api/v1/nodes", "application/vnd.kubernetes.protobuf,application/json")
            .document()["kind"] == "NodeList");
  CHECK(client.get("/api/v1/nodes", "*/*").document()["kind"] == "NodeList");
  ApiAnswer protobufOnly = client.get("/api/v1/nodes", "application/vnd.kubernetes.protobuf");
  CHECK(protobufOnly.status == 406);
  CHECK(protobufOnly.document()["reason"] == "NotAcceptable");
  // Aggregated discovery is not offered: the plain document answers.
  CHECK(client
            .get("/api",
                 "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
            .document()["kind"] == "APIVersions");
}

TEST_CASE("test apiserver: as=Table answers with kubectl's columns") {
  TestApiServer server(kindServer());
  ApiAnswer answer = ApiClient(server).get("/api/v1/nodes?limit=500", kTableAccept);
  CHECK(answer.contentType == "application/json;as=Table;g=meta.k8s.io;v=v1");
  json table = answer.document();
  CHECK(table["kind"] == "Table");
  CHECK(table["apiVersion"] == "meta.k8s.io/v1");
  std::vector<std::string> columns;
  for (const auto& c : table["columnDefinitions"]) columns.push_back(c["name"]);
  CHECK(std::vector<std::string>(columns.begin(), columns.begin() + 5) ==
        std::vector<std::string>{"Name", "Status", "Roles", "Age", "Version"});
  REQUIRE(table["rows"].size() == 3);
  CHECK(table["rows"][0]["cells"][0] == "kind-control-plane");
  CHECK(table["rows"][0]["cells"][2] == "control-plane,master");
  CHECK(table["rows"][0]["cells"][4] == "v1.20.0");
  CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
}

TEST_CASE("test apiserver: --forbid answers 403 like RBAC, and SelfSubjectAccessReviews agree") {
  TestApiServer server(plus(kindServer(), {"--forbid", "nodes", "--forbid", "deployments.apps"}));
  ApiClient client(server);

  ApiAnswer nodes = client.get("/api/v1/nodes");
  CHECK(nodes.status == 403);
  json status = nodes.document();
  CHECK(status["reason"] == "Forbidden");
  CHECK(status["details"]["kind"] == "nodes");
  CHECK(contains(status["message"], "cannot list resource \"nodes\" in API group \"\" at the cluster scope"));
  ApiAnswer deployments = client.get("/apis/apps/v1/namespaces/prod/deployments");
  CHECK(deployments.status == 403);
  CHECK(contains(deployments.document()["message"], "in API group \"apps\" in the namespace \"prod\""));
  CHECK(client.get("/api/v1/nodes/kind-worker").status == 403);
  CHECK(client.get("/api/v1/pods").status == 200);
  CHECK(client.get("/apis/apps/v1/statefulsets").status == 200);

  auto review = [&](const std::string& group, const std::string& resource) {
    json body{
        {"apiVersion", "authorization.k8s.io/v1"},
        {"kind", "SelfSubjectAccessReview"},
        {"spec", {{"resourceAttributes", {{"verb", "list"}, {"group", group}, {"resource", resource}}}}}};
    ApiAnswer answer = client.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body.dump());
    CHECK(answer.status == 201);
    json reviewed = answer.document();
    CHECK(reviewed["kind"] == "SelfSubjectAccessReview");
    CHECK(reviewed["spec"]["resourceAttributes"]["resource"] == resource);
    return reviewed["status"]["allowed"].get<bool>();
  };
  CHECK_FALSE(review("", "nodes"));
  CHECK_FALSE(review("apps", "deployments"));
  CHECK(review("", "pods"));
  CHECK(review("apps", "daemonsets"));
  CHECK(client.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "{\"kind\":\"Pod\"}").status ==
        400);
}

TEST_CASE("test apiserver: --fail-after-pages N answers 500 from the N+1th page on") {
  TestApiServer server(plus(kindServer(), {"--fail-after-pages", "2"}));
  ApiClient client(server);
  json first = client.get("/api/v1/nodes?limit=1").document();
  json second =
      client.get("/api/v1/nodes?limit=1&continue=" + first["metadata"]["continue"].get<std::string>())
          .document();
  CHECK(itemNames(second) == std::vector<std::string>{"kind-worker"});
  ApiAnswer third =
      client.get("/api/v1/nodes?limit=1&continue=" + second["metadata"]["continue"].get<std::string>());
  CHECK(third.status == 500);
  CHECK(third.document()["reason"] == "InternalError");
  CHECK(client.get("/api/v1/nodes").status == 500);
  // Only lists fail; discovery and single objects still answer.
  CHECK(client.get("/api/v1").status == 200);
  CHECK(client.get("/api/v1/nodes/kind-worker").status == 200);
}
