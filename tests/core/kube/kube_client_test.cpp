#include "kubecensus/kube/kube_client.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "kube_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kctest;
using json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

constexpr const char* kMetadataAccept =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
const ApiResource kNodes{"", "v1", "nodes"};
const ApiResource kDeployments{"apps", "v1", "deployments"};

std::vector<std::string> namesOf(KubeClient& client, const ApiResource& resource, ListOptions options = {},
                                 int* restarts = nullptr) {
  std::vector<std::string> names;
  client.list(
      resource, options, [&](const json& item) { names.push_back(item["metadata"]["name"]); },
      [&] {
        names.clear();
        if (restarts) ++*restarts;
      });
  return names;
}

KubeError errorOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const KubeError& e) {
    return e;
  }
  FAIL("no KubeError");
  return KubeError(-1, "");
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("ApiResource paths and names", "[kube_client]") {
  CHECK(kNodes.path() == "/api/v1/nodes");
  CHECK(kNodes.str() == "nodes");
  CHECK(kDeployments.path() == "/apis/apps/v1/deployments");
  CHECK(kDeployments.str() == "deployments.apps");
}

TEST_CASE("a LIST pages through limit and continue, with the bearer token", "[kube_client]") {
  auto nodes = makeNodes(5);
  FakeHttpServer server([&](const FakeRequest& r) { return pageOf(r, nodes); });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);

  CHECK(namesOf(client, kNodes) ==
        std::vector<std::string>{"node-0", "node-1", "node-2", "node-3", "node-4"});
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  for (const auto& r : requests) {
    CHECK(r.method == "GET");
    CHECK(r.path == "/api/v1/nodes");
    CHECK(r.param("limit") == "2");
    CHECK(r.authorization == "Bearer t0ken");
    CHECK(r.accept == "application/json");
  }
  CHECK_FALSE(requests[0].hasParam("continue"));
  CHECK(requests[1].param("continue") == "c+/=2");  // sent URL-encoded, decoded by the server
  CHECK(requests[2].param("continue") == "c+/=4");
}

TEST_CASE("metadata-only lists ask for PartialObjectMetadataList and accept full objects", "[kube_client]") {
  auto nodes = makeNodes(3);
  bool serverKnowsMetadataLists = GENERATE(true, false);
  FakeHttpServer server([&](FakeRequest r) {
    if (!serverKnowsMetadataLists) r.accept = "application/json";  // an old server: ignores `as=`
    return pageOf(r, nodes);
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  std::vector<json> items;
  client.list(kNodes, ListOptions{true}, [&](const json& item) { items.push_back(item); });
  REQUIRE(items.size() == 3);
  CHECK(items[0]["metadata"]["name"] == "node-0");
  CHECK(items[0].contains("status") != serverKnowsMetadataLists);
  for (const auto& r : server.requests()) CHECK(r.accept == kMetadataAccept);
}

TEST_CASE("a server answering 406 to metadata-only lists gets plain JSON from then on", "[kube_client]") {
  auto nodes = makeNodes(3);
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.accept.find("PartialObjectMetadataList") != std::string::npos)
      return statusResponse(406, "NotAcceptable",
                            "only the following media types are accepted: application/json");
    return pageOf(r, nodes);
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  CHECK(namesOf(client, kNodes, ListOptions{true}).size() == 3);
  CHECK(namesOf(client, kNodes, ListOptions{true}).size() == 3);
  auto requests = server.requests();
  REQUIRE(requests.size() == 5);  // one 406, then 2 pages, then 2 pages without asking again
  CHECK(requests[0].accept == kMetadataAccept);
  for (std::size_t i = 1; i < requests.size(); ++i) CHECK(requests[i].accept == "application/json");
}

TEST_CASE("an expired continue token (410) restarts the list from the beginning", "[kube_client]") {
  auto nodes = makeNodes(5);
  std::atomic<int> expiries{0};
  int expireTimes = GENERATE(1, 10);
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.param("continue") == "c+/=4" && expiries < expireTimes) {
      ++expiries;
      return statusResponse(
          410, "Expired", "The provided continue parameter is too old to display a consistent list result.");
    }
    return pageOf(r, nodes);
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  int restarts = 0;
  if (expireTimes == 1) {
    CHECK(namesOf(client, kNodes, {}, &restarts).size() == 5);
    CHECK(restarts == 1);
    CHECK(server.requestCount() == 6);  // 3 pages, the last one 410; then 3 pages again
    CHECK_THAT(log.text(), Catch::Contains("continue token expired"));
  } else {
    KubeError e = errorOf([&] { namesOf(client, kNodes, {}, &restarts); });
    CHECK(e.status() == 410);
    CHECK(restarts == 3);
    CHECK_THAT(e.what(), Catch::Contains("restarted 3 times"));
  }
}

TEST_CASE("429 is retried after the Retry-After the server asks for", "[kube_client]") {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const FakeRequest&) {
    if (calls++ == 0) {
      FakeResponse r = statusResponse(429, "TooManyRequests", "too many requests, please try again later");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    return jsonResponse(200, R"({"major":"1","minor":"33"})");
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);  // backoff alone would be ~1 ms
  auto start = std::chrono::steady_clock::now();
  CHECK(client.get("/version")["minor"] == "33");
  CHECK(secondsSince(start) >= 0.95);
  CHECK(server.requestCount() == 2);
  CHECK_THAT(log.text(), Catch::Contains("HTTP 429") && Catch::Contains("retrying in 1000 ms"));
}

TEST_CASE("5xx is retried with backoff up to maxAttempts", "[kube_client]") {
  std::atomic<int> calls{0};
  int failures = GENERATE(2, 100);
  FakeHttpServer server([&](const FakeRequest&) {
    if (calls++ < failures) return statusResponse(503, "ServiceUnavailable", "etcdserver: leader changed");
    return jsonResponse(200, R"({"kind":"Namespace"})");
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  if (failures == 2) {
    CHECK(client.get("/api/v1/namespaces/kube-system")["kind"] == "Namespace");
    CHECK(server.requestCount() == 3);
  } else {
    KubeError e = errorOf([&] { client.get("/api/v1/namespaces/kube-system"); });
    CHECK(e.status() == 503);
    CHECK(server.requestCount() == 4);
    CHECK_THAT(e.what(),
               Catch::Contains("etcdserver: leader changed") && Catch::Contains("gave up after 4 attempts"));
  }
}

TEST_CASE("403 names the verb, the resource and the RBAC rule that grants it", "[kube_client]") {
  FakeHttpServer server([&](const FakeRequest&) {
    return statusResponse(
        403, "Forbidden",
        "deployments.apps is forbidden: User \\\"system:serviceaccount:kubecensus:agent\\\" "
        "cannot list resource \\\"deployments\\\" in API group \\\"apps\\\" at the cluster scope");
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);

  KubeError list = errorOf([&] { namesOf(client, kDeployments); });
  CHECK(list.status() == 403);
  CHECK(list.forbidden());
  CHECK_THAT(list.what(),
             Catch::StartsWith("forbidden: cannot list deployments.apps at the cluster scope (HTTP 403). "
                               "Grant it with an RBAC rule: {apiGroups: [\"apps\"], resources: "
                               "[\"deployments\"], verbs: [\"list\"]}"));
  CHECK_THAT(list.what(), Catch::Contains("system:serviceaccount:kubecensus:agent"));
  CHECK(server.requestCount() == 1);  // not retried

  CHECK_THAT(
      errorOf([&] { client.get("/api/v1/namespaces/kube-system"); }).what(),
      Catch::StartsWith("forbidden: cannot get namespaces \"kube-system\" at the cluster scope (HTTP 403). "
                        "Grant it with an RBAC rule: {apiGroups: [\"\"], resources: [\"namespaces\"], "
                        "verbs: [\"get\"]}"));
  CHECK_THAT(
      errorOf([&] { client.get("/apis/apps/v1/namespaces/prod/deployments/web/scale"); }).what(),
      Catch::StartsWith("forbidden: cannot get deployments.apps/scale \"web\" in namespace \"prod\"") &&
          Catch::Contains("resources: [\"deployments/scale\"], verbs: [\"get\"]"));
  CHECK_THAT(errorOf([&] { client.get("/version"); }).what(),
             Catch::StartsWith("forbidden: cannot get /version (HTTP 403). Grant it with an RBAC rule: "
                               "{nonResourceURLs: [\"/version\"], verbs: [\"get\"]}"));
}

TEST_CASE("401 says whose credentials were rejected and 404 is not retried", "[kube_client]") {
  FakeHttpServer server([&](const FakeRequest& r) {
    if (r.path == "/api/v1/nodes") return statusResponse(401, "Unauthorized", "Unauthorized");
    return statusResponse(404, "NotFound", "the server could not find the requested resource");
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  KubeError unauthorized = errorOf([&] { namesOf(client, kNodes); });
  CHECK(unauthorized.status() == 401);
  CHECK(unauthorized.forbidden());
  CHECK(std::string(unauthorized.what()) ==
        "unauthorized (HTTP 401): the credentials of test cluster were rejected");

  KubeError missing = errorOf([&] { client.get("/apis/metrics.k8s.io/v1beta1/nodes"); });
  CHECK(missing.status() == 404);
  CHECK_FALSE(missing.forbidden());
  CHECK_THAT(missing.what(), Catch::Contains("the server could not find the requested resource"));
  CHECK(server.requestCount() == 2);
}

TEST_CASE("a rotated token file is read again before the next request", "[kube_client]") {
  TempDir dir;
  std::string tokenFile = dir.write("token", "first-token\n");
  FakeHttpServer server([](const FakeRequest&) { return jsonResponse(200, "{}"); });
  CapturingLogger log;
  ClusterAccess access = accessTo(server, "");
  access.tokenFile = tokenFile;
  KubeClient client(access, fastSettings(), log);

  client.get("/version");
  // The kubelet swaps a symlink; a new file renamed over the old one is the same thing to stat().
  dir.write("token.new", "second-token-which-is-longer");
  REQUIRE(std::rename(dir.file("token.new").c_str(), tokenFile.c_str()) == 0);
  client.get("/version");
  client.get("/version");
  dir.write("token", "third");  // rewritten in place, another size
  client.get("/version");

  auto requests = server.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].authorization == "Bearer first-token");
  CHECK(requests[1].authorization == "Bearer second-token-which-is-longer");
  CHECK(requests[2].authorization == "Bearer second-token-which-is-longer");
  CHECK(requests[3].authorization == "Bearer third");

  std::remove(tokenFile.c_str());
  KubeError e = errorOf([&] { client.get("/version"); });
  CHECK(e.status() == 0);
  CHECK_THAT(e.what(), Catch::Contains("token file " + tokenFile));
}

TEST_CASE("a page that breaks off is asked for again, one malformed after an item restarts the list",
          "[kube_client]") {
  // The second page (node-2, node-3) goes wrong once: cut inside its first or its second item
  // (nothing of it was handed over: asked for again), or node-3 loses its colon (the page
  // still splits into items, node-2 is handed over, node-3 does not parse: the list restarts).
  enum class Fault { CutEarly, CutLate, BadSecondItem };
  const Fault fault = GENERATE(Fault::CutEarly, Fault::CutLate, Fault::BadSecondItem);
  auto nodes = makeNodes(5);
  std::atomic<int> faults{0};
  FakeHttpServer server([&](const FakeRequest& r) {
    FakeResponse response = pageOf(r, nodes);
    if (r.param("continue") != "c+/=2" || faults++ > 0) return response;
    if (fault == Fault::BadSecondItem) {
      auto at = response.body.find("\"name\":\"node-3\"");
      REQUIRE(at != std::string::npos);
      response.body[at + 6] = ' ';
    } else {
      response.chunked = false;
      response.cutAfter =
          fault == Fault::CutLate ? response.body.rfind("node-3") : response.body.find("node-2");
    }
    return response;
  });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  int restarts = 0;
  CHECK(namesOf(client, kNodes, {}, &restarts) ==
        std::vector<std::string>{"node-0", "node-1", "node-2", "node-3", "node-4"});
  if (fault == Fault::BadSecondItem) {
    CHECK(restarts == 1);
    CHECK(server.requestCount() == 5u);  // two pages, then all three again
    CHECK_THAT(log.text(), Catch::Contains("malformed after 1 items"));
  } else {
    CHECK(restarts == 0);
    CHECK(server.requestCount() == 4u);  // three pages, the second one twice
  }
}

TEST_CASE("an exception from onItem ends the list at once, untouched", "[kube_client]") {
  auto nodes = makeNodes(5);
  FakeHttpServer server([&](const FakeRequest& r) { return pageOf(r, nodes); });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  struct Enough : std::runtime_error {
    Enough() : std::runtime_error("enough") {}
  };
  CHECK_THROWS_AS(client.list(kNodes, {}, [](const json&) { throw Enough(); }), Enough);
  CHECK(server.requestCount() == 1);
}

TEST_CASE("network failures are retried, then reported with the address", "[kube_client]") {
  std::uint16_t port;
  {
    FakeHttpServer gone([](const FakeRequest&) { return jsonResponse(200, "{}"); });
    port = gone.port();
  }
  CapturingLogger log;
  ClusterAccess access;
  access.server = "http://127.0.0.1:" + std::to_string(port);
  access.origin = "test cluster";
  KubeClient client(access, fastSettings(), log);
  KubeError e = errorOf([&] { client.get("/version"); });
  CHECK(e.status() == 0);
  CHECK_THAT(e.what(),
             Catch::Contains(access.server + "/version") && Catch::Contains("gave up after 4 attempts"));
}

TEST_CASE("a read timeout is a network failure: retried", "[kube_client]") {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const FakeRequest&) {
    if (calls++ == 0) std::this_thread::sleep_for(milliseconds(600));
    return jsonResponse(200, R"({"ok":true})");
  });
  CapturingLogger log;
  KubeClientSettings settings = fastSettings();
  settings.readTimeout = milliseconds(150);
  KubeClient client(accessTo(server), settings, log);
  auto start = std::chrono::steady_clock::now();
  CHECK(client.get("/version")["ok"] == true);
  CHECK(secondsSince(start) < 0.55);
  CHECK(server.requestCount() == 2);
}

TEST_CASE("a server address with a path keeps it as a prefix", "[kube_client]") {
  FakeHttpServer server([](const FakeRequest& r) { return jsonResponse(200, json{{"path", r.path}}.dump()); });
  CapturingLogger log;
  ClusterAccess access = accessTo(server);
  access.server += "/k8s/clusters/c-m-abc/";
  KubeClient client(access, fastSettings(), log);
  CHECK(client.get("/version")["path"] == "/k8s/clusters/c-m-abc/version");
  CHECK(client.access().origin == "test cluster");
}

TEST_CASE("the client is usable from several threads at once", "[kube_client]") {
  auto nodes = makeNodes(7);
  FakeHttpServer server([&](const FakeRequest& r) { return pageOf(r, nodes); });
  CapturingLogger log;
  KubeClient client(accessTo(server), fastSettings(), log);
  std::vector<std::thread> threads;
  std::atomic<int> complete{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        try {
          if (namesOf(client, kNodes).size() == 7) ++complete;
        } catch (const std::exception&) {
        }
      }
    });
  for (auto& t : threads) t.join();
  CHECK(complete == 20);
}
