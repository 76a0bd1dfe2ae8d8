// kubecensus-test-apiserver: authentication, /version, discovery, errors, the access log, the
// command line and stopping. Checked over HTTPS with the server's certificate verified.
#include <catch2/catch.hpp>

#include <csignal>

#include "api_client.h"

using namespace kctest;

namespace {

const std::string kKindNodes = "k8s/real/nodelist-kind-1.20-containerd-3nodes.json";

bool isStatus(const json& doc, int code, const std::string& reason) {
  return doc.value("kind", "") == "Status" && doc.value("apiVersion", "") == "v1" &&
         doc.value("status", "") == "Failure" && doc.value("code", 0) == code &&
         doc.value("reason", "") == reason;
}

const json* findResource(const json& list, const std::string& name) {
  for (const auto& r : list.at("resources"))
    if (r.at("name") == name) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("test apiserver: prints its address and answers over verified TLS") {
  TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes)});
  CHECK(contains(server.output(), "listening on https://127.0.0.1:" + std::to_string(server.port()) + "\n"));
  ApiClient client(server);
  ApiAnswer answer = client.get("/api/v1/nodes");
  CHECK(answer.status == 200);
  CHECK(answer.contentType == "application/json");
}

TEST_CASE("test apiserver: requests without the bearer token get a 401 Status") {
  TestApiServer server;
  for (const std::string token : {"", "wrong-token"}) {
    ApiClient client(server, token);
    for (const std::string path :
         {"/version", "/api", "/api/v1/nodes", "/apis/apps/v1/deployments", "/nowhere"}) {
      ApiAnswer answer = client.get(path);
      INFO(token << " " << path << ": " << answer.body);
      CHECK(answer.status == 401);
      CHECK(isStatus(answer.document(), 401, "Unauthorized"));
    }
  }
  ApiClient client(server);
  CHECK(client.get("/api/v1/nodes").status == 200);
}

TEST_CASE("test apiserver: /version serves the version file, unwrapping troubleshoot's wrapper") {
  SECTION("troubleshoot-wrapped") {
    TestApiServer server(
        {"--version-file", fixturePath("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json")});
    json version = ApiClient(server).get("/version").document();
    CHECK(version == json::parse(fixture("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json"))["info"]);
    CHECK(version["gitVersion"] == "v1.33.4+k3s1");
    CHECK_FALSE(version.contains("info"));
  }
  SECTION("bare version.Info") {
    TestApiServer server({"--version-file", fixturePath("k8s/real/version-kind-1.20.0.json")});
    CHECK(ApiClient(server).get("/version").document() ==
          json::parse(fixture("k8s/real/version-kind-1.20.0.json")));
  }
  SECTION("default") {
    TestApiServer server;
    json version = ApiClient(server).get("/version").document();
    CHECK(version["major"] == "1");
    CHECK(version["gitVersion"].get<std::string>().rfind("v1.", 0) == 0);
  }
}

TEST_CASE("test apiserver: health endpoints answer ok") {
  TestApiServer server;
  ApiClient client(server);
  for (const std::string path : {"/healthz", "/readyz", "/livez"}) {
    ApiAnswer answer = client.get(path);
    CHECK(answer.status == 200);
    CHECK(answer.body == "ok");
  }
}

TEST_CASE("test apiserver: discovery documents") {
  TestApiServer server;
  ApiClient client(server);

  json api = client.get("/api").document();
  CHECK(api["kind"] == "APIVersions");
  CHECK(api["versions"] == json{"v1"});

  json core = client.get("/api/v1").document();
  CHECK(core["kind"] == "APIResourceList");
  CHECK(core["groupVersion"] == "v1");
  for (const auto& [name, kind, namespaced] : {std::tuple{"nodes", "Node", false},
                                               {"namespaces", "Namespace", false},
                                               {"pods", "Pod", true},
                                               {"services", "Service", true}}) {
    const json* resource = findResource(core, name);
    INFO(name);
    REQUIRE(resource);
    CHECK((*resource)["kind"] == kind);
    CHECK((*resource)["namespaced"] == namespaced);
    CHECK(contains((*resource)["verbs"].dump(), "\"list\""));
    CHECK(contains((*resource)["verbs"].dump(), "\"get\""));
  }

  json groups = client.get("/apis").document();
  CHECK(groups["kind"] == "APIGroupList");
  std::set<std::string> groupVersions;
  for (const auto& g : groups["groups"]) {
    CHECK(g["preferredVersion"]["groupVersion"] == g["versions"][0]["groupVersion"]);
    groupVersions.insert(g["preferredVersion"]["groupVersion"].get<std::string>());
  }
  CHECK(groupVersions == std::set<std::string>{"apps/v1", "batch/v1", "authorization.k8s.io/v1"});

  json apps = client.get("/apis/apps/v1").document();
  CHECK(apps["groupVersion"] == "apps/v1");
  for (const std::string name : {"deployments", "statefulsets", "daemonsets"})
    CHECK(findResource(apps, name));
  json batch = client.get("/apis/batch/v1").document();
  for (const std::string name : {"jobs", "cronjobs"}) CHECK(findResource(batch, name));
  json authorization = client.get("/apis/authorization.k8s.io/v1").document();
  const json* ssar = findResource(authorization, "selfsubjectaccessreviews");
  REQUIRE(ssar);
  CHECK((*ssar)["verbs"] == json{"create"});
  CHECK(client.get("/apis/apps").document()["kind"] == "APIGroup");
}

TEST_CASE("test apiserver: unknown paths, resources and objects get a 404 Status") {
  TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes)});
  ApiClient client(server);
  for (const std::string path :
       {"/", "/nowhere", "/api/v2", "/api/v1/widgets", "/apis/example.com/v1/things",
        "/apis/apps/v1/namespaces/default/nodes", "/api/v1/pods/name-without-namespace",
        "/api/v1/nodes/kind-worker/status/extra"}) {
    ApiAnswer answer = client.get(path);
    INFO(path << ": " << answer.body);
    CHECK(answer.status == 404);
    CHECK(isStatus(answer.document(), 404, "NotFound"));
  }
  json missing = client.get("/api/v1/nodes/no-such-node").document();
  CHECK(isStatus(missing, 404, "NotFound"));
  CHECK(missing["message"] == "nodes \"no-such-node\" not found");
  CHECK(missing["details"]["name"] == "no-such-node");

  ApiAnswer post = client.post("/api/v1/nodes", "{}");
  CHECK(post.status == 405);
  CHECK(isStatus(post.document(), 405, "MethodNotAllowed"));
}

TEST_CASE("test apiserver: single nodes and namespaces are served by name") {
  TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes), "--objects",
                        TestApiServer::fixtureObjects("namespaces", "k8s/real/namespacelist-k3s-1.33.json")});
  ApiClient client(server);
  json node = client.get("/api/v1/nodes/kind-worker2").document();
  CHECK(node["kind"] == "Node");
  CHECK(node["apiVersion"] == "v1");
  CHECK(node["metadata"]["name"] == "kind-worker2");
  CHECK(node["status"]["nodeInfo"]["kubeletVersion"] == "v1.20.0");
  json ns = client.get("/api/v1/namespaces/kube-system").document();
  CHECK(ns["kind"] == "Namespace");
  CHECK(ns["metadata"]["uid"] ==
        json::parse(fixture("k8s/real/namespacelist-k3s-1.33.json"))["items"][3]["metadata"]["uid"]);
}

TEST_CASE("test apiserver: the access log has method, path and query, Accept and status") {
  TestApiServer server({"--objects", TestApiServer::fixtureObjects("nodes", kKindNodes)});
  ApiClient(server, "").get("/api/v1/nodes");
  ApiClient client(server);
  client.get("/api/v1/nodes?limit=2", kMetadataAccept);
  client.get("/api/v1/nodes/missing", "");
  const std::vector<std::string> lines = server.accessLogLines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "GET\t/api/v1/nodes\tapplication/json\t401");
  CHECK(lines[1] == "GET\t/api/v1/nodes?limit=2\t" + kMetadataAccept + "\t200");
  CHECK(lines[2] == "GET\t/api/v1/nodes/missing\t-\t404");
}

TEST_CASE("test apiserver: a client certificate signed by --client-ca authenticates") {
  TestApiServerOptions options;
  options.acceptClientCertificates = true;
  TestApiServer server(options);

  auto getWithCertificate = [&](bool presentCertificate) {
    Poco::Net::Context::Ptr context =
        presentCertificate ? new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE,
                                                    server.tls().clientKey, server.tls().clientCert,
                                                    server.tls().caCert, Poco::Net::Context::VERIFY_RELAXED)
                           : new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                                    server.tls().caCert, Poco::Net::Context::VERIFY_RELAXED);
    ApiClient::initializeSsl();
    Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(), context);
    Poco::Net::HTTPRequest request("GET", "/api/v1/namespaces", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return static_cast<int>(response.getStatus());
  };
  CHECK(getWithCertificate(true) == 200);
  CHECK(getWithCertificate(false) == 401);
}

TEST_CASE("test apiserver: SIGTERM stops it with exit code 0") {
  TestApiServer server;
  ApiClient(server).get("/version");
  CHECK(server.stop() == 0);
  CHECK_FALSE(server.process().running());
}

TEST_CASE("test apiserver: a bad command line exits 2 with a message") {
  TempDir dir;
  TlsFiles tls = makeTlsFiles(dir.path());
  const std::vector<std::string> base{"--tls-cert",  tls.serverCert, "--tls-key",
                                      tls.serverKey, "--token",      "t"};
  auto runWith = [&](std::vector<std::string> extra, bool withBase = true) {
    std::vector<std::string> args = withBase ? base : std::vector<std::string>{};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(TestApiServer::binary(), args, {}, std::chrono::seconds(10));
  };
  RunResult unknown = runWith({"--frobnicate", "1"});
  CHECK(unknown.exitCode == 2);
  CHECK(contains(unknown.output, "unknown option '--frobnicate'"));
  RunResult resource = runWith({"--forbid", "widgets"});
  CHECK(resource.exitCode == 2);
  CHECK(contains(resource.output, "unknown resource 'widgets'"));
  RunResult noCert = runWith({"--token", "t"}, false);
  CHECK(noCert.exitCode == 2);
  CHECK(contains(noCert.output, "--tls-cert and --tls-key are required"));
  RunResult badFile = runWith({"--objects", "nodes=" + dir.file("missing.json")});
  CHECK(badFile.exitCode == 1);
  CHECK(contains(badFile.output, "missing.json"));
  RunResult wrongKind = runWith({"--objects", TestApiServer::fixtureObjects("pods", kKindNodes)});
  CHECK(wrongKind.exitCode == 1);
  CHECK(contains(wrongKind.output, "a NodeList cannot be served as pods"));
  RunResult help = run(TestApiServer::binary(), {"--help"});
  CHECK(help.exitCode == 0);
  CHECK(contains(help.output, "--continue-ttl SECONDS"));
}
