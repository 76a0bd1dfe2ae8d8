// TLS against a real HTTPS server with generated certificates: the chain and the host name are
// verified (also on 127.0.0.1), insecure-skip-tls-verify is loud, client certificates work from
// PEM data, from kubeconfig files and from exec plugins.
#include <Poco/Base64Encoder.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <sstream>

#include "kube_test_support.h"
#include "kubecensus/kube/cluster_access.h"
#include "support/temp_dir.h"
#include "test_pki.h"

using namespace kubecensus;
using namespace kctest;
using json = nlohmann::json;

namespace {

FakeResponse version(const FakeRequest& r) {
  return jsonResponse(200, json{{"gitVersion", "v1.33.1"}, {"client", r.clientCommonName}}.dump());
}

FakeHttpServer::Tls serving(const TestCertificate& cert, const std::string& clientCa = {}) {
  return FakeHttpServer::Tls{cert.certFile, cert.keyFile, clientCa};
}

ClusterAccess trusting(const FakeHttpServer& server, const std::string& caPem) {
  ClusterAccess access = accessTo(server);
  access.caPem = caPem;
  return access;
}

std::string tlsError(const ClusterAccess& access, std::size_t* requestsSeen = nullptr,
                     const FakeHttpServer* server = nullptr) {
  CapturingLogger log;
  KubeClient client(access, fastSettings(), log);
  auto start = std::chrono::steady_clock::now();
  try {
    client.get("/version");
  } catch (const KubeError& e) {
    CHECK(e.status() == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));  // not retried for long
    if (requestsSeen && server) *requestsSeen = server->requestCount();
    return e.what();
  }
  FAIL("the connection was not refused");
  return {};
}

std::string base64(const std::string& data) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << data;
  encoder.close();
  return out.str();
}

}  // namespace

TEST_CASE("a server certificate from the configured CA naming 127.0.0.1 is accepted", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server));
  CapturingLogger log;
  KubeClient client(trusting(server, pki.ca.certPem), fastSettings(), log);
  CHECK(client.get("/version")["gitVersion"] == "v1.33.1");
  CHECK(client.get("/version")["gitVersion"] == "v1.33.1");  // over the kept-alive connection
  CHECK(log.text().find("disabled") == std::string::npos);
}

TEST_CASE("a CA bundle with several certificates verifies with any of them", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server));
  CapturingLogger log;
  KubeClient client(trusting(server, pki.otherCa.certPem + "\n" + pki.ca.certPem), fastSettings(), log);
  CHECK(client.get("/version")["gitVersion"] == "v1.33.1");
}

TEST_CASE("a certificate for another host is refused, even from the trusted CA", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.wrongHost));
  std::size_t seen = 99;
  std::string message = tlsError(trusting(server, pki.ca.certPem), &seen, &server);
  CHECK_THAT(message, Catch::Contains("TLS connection to " + server.url() + " failed"));
  CHECK_THAT(message, Catch::Contains("127.0.0.1"));
  CHECK(seen == 0);
}

TEST_CASE("a certificate from an untrusted CA is refused, and so is any without a CA given", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer other(version, serving(pki.otherServer));
  CHECK_THAT(tlsError(trusting(other, pki.ca.certPem)), Catch::Contains("TLS connection to"));
  FakeHttpServer ours(version, serving(pki.server));
  CHECK_THAT(tlsError(trusting(ours, "")), Catch::Contains("TLS connection to"));  // system store
}

TEST_CASE("insecure-skip-tls-verify accepts anything and says so loudly", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.wrongHost));
  CapturingLogger log;
  ClusterAccess access = trusting(server, "");
  access.insecureSkipTlsVerify = true;
  KubeClient client(access, fastSettings(), log);
  CHECK(client.get("/version")["gitVersion"] == "v1.33.1");
  CHECK_THAT(log.text(),
             Catch::Contains("warn") && Catch::Contains("TLS verification of " + server.url() +
                                                        " is disabled (insecure-skip-tls-verify)"));
}

TEST_CASE("unusable CA data is an error naming it", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server));
  CHECK_THAT(tlsError(trusting(server, "not a certificate")),
             Catch::Contains("TLS settings of test cluster: certificate authority: no PEM certificate"));
}

TEST_CASE("client certificates authenticate, from PEM data", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server, pki.ca.certFile));
  CapturingLogger log;
  ClusterAccess access = trusting(server, pki.ca.certPem);
  access.token.clear();
  access.clientCertificatePem = pki.client.certPem;
  access.clientKeyPem = pki.client.keyPem;
  KubeClient client(access, fastSettings(), log);
  CHECK(client.get("/version")["client"] == "kubecensus-agent");

  // With TLS 1.3 the server's alert may lose the race with its closing the connection.
  std::string refused = tlsError(trusting(server, pki.ca.certPem));
  CHECK_THAT(refused, Catch::Contains("was refused by the server") || Catch::Contains("Connection reset"));

  ClusterAccess mismatched = access;
  mismatched.clientKeyPem = pki.server.keyPem;
  CHECK_THAT(tlsError(mismatched), Catch::Contains("client key"));
}

TEST_CASE("a kubeconfig with CA data, a relative client certificate file and key data", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server, pki.ca.certFile));
  TempDir dir;
  dir.write("kube/certs/agent.crt", pki.client.certPem);
  std::string kubeconfig =
      dir.write("kube/config",
                "apiVersion: v1\nkind: Config\n"
                "clusters:\n- name: test\n  cluster:\n    server: " +
                    server.url() + "\n    certificate-authority-data: " + base64(pki.ca.certPem) +
                    "\n"
                    "users:\n- name: agent\n  user:\n"
                    "    client-certificate: certs/agent.crt\n"
                    "    client-key-data: " +
                    base64(pki.client.keyPem) +
                    "\n"
                    "contexts:\n- name: test\n  context: {cluster: test, user: agent}\n"
                    "current-context: test\n");
  CapturingLogger log;
  KubeClient client(kubeconfigAccess({kubeconfig}), fastSettings(), log);
  CHECK(client.get("/version")["client"] == "kubecensus-agent");
}

TEST_CASE("an exec plugin may return a client certificate instead of a token", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server, pki.ca.certFile));
  TempDir dir;
  json credential = {
      {"apiVersion", "client.authentication.k8s.io/v1beta1"},
      {"kind", "ExecCredential"},
      {"status", {{"clientCertificateData", pki.client.certPem}, {"clientKeyData", pki.client.keyPem}}}};
  dir.write("credential.json", credential.dump());
  std::string plugin = dir.write("plugin.sh", "#!/bin/sh\ncat \"$CREDENTIAL\"\n");
  ::chmod(plugin.c_str(), 0755);
  ClusterAccess access = trusting(server, pki.ca.certPem);
  access.token.clear();
  access.exec = ExecConfig{
      "client.authentication.k8s.io/v1beta1", plugin, {}, {{"CREDENTIAL", dir.file("credential.json")}}, ""};
  CapturingLogger log;
  KubeClient client(access, fastSettings(), log);
  CHECK(client.get("/version")["client"] == "kubecensus-agent");
}

TEST_CASE("in-cluster access reads the service account's CA and token files", "[tls]") {
  const TestPki& pki = testPki();
  FakeHttpServer server(version, serving(pki.server));
  TempDir sa;
  sa.write("token", "service-account-token\n");
  sa.write("ca.crt", pki.ca.certPem);
  ClusterAccess access = inClusterAccess(
      {{"KUBERNETES_SERVICE_HOST", "127.0.0.1"}, {"KUBERNETES_SERVICE_PORT", std::to_string(server.port())}},
      sa.path());
  CapturingLogger log;
  KubeClient client(access, fastSettings(), log);
  CHECK(client.get("/version")["gitVersion"] == "v1.33.1");
  CHECK(server.requests().at(0).authorization == "Bearer service-account-token");

  // A CA file that disappears is named when it is needed.
  std::remove(sa.file("ca.crt").c_str());
  KubeClient later(access, fastSettings(), log);
  try {
    later.get("/version");
    FAIL("no KubeError");
  } catch (const KubeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("CA file " + sa.file("ca.crt")));
  }
}
