#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "kubecensus/kube/cluster_access.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::TempDir;

namespace {

// "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" in base64.
constexpr const char* kCaData =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
constexpr const char* kCaPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

const char* kFirst = R"(apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://first.example:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
users:
- name: alice
  user:
    token: first-token
contexts:
- name: work
  context:
    cluster: shared
    user: alice
    namespace: default
current-context: work
)";

const char* kSecond = R"(apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://second.example:6443
- name: lab
  cluster:
    server: https://lab.example
    insecure-skip-tls-verify: true
users:
- name: alice
  user:
    token: second-token
- name: bob
  user:
    tokenFile: tokens/bob
contexts:
- name: work
  context:
    cluster: lab
    user: bob
- name: lab
  context:
    cluster: lab
    user: bob
- name: lab-shared
  context:
    cluster: shared
    user: bob
current-context: lab
)";

std::string errorOf(const std::vector<std::string>& files, const std::string& context = {}) {
  try {
    kubeconfigAccess(files, context);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  FAIL("no error");
  return {};
}

std::string withUser(const std::string& user) {
  return "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
         "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
         "current-context: x\n"
         "users:\n- name: u\n  user:\n" +
         user;
}

}  // namespace

TEST_CASE("one kubeconfig: current-context, server, CA data and token", "[kubeconfig]") {
  TempDir dir;
  std::string file = dir.write("config", kFirst);
  ClusterAccess access = kubeconfigAccess({file});
  CHECK(access.server == "https://first.example:6443");
  CHECK(access.caPem == kCaPem);
  CHECK(access.caFile.empty());
  CHECK(access.token == "first-token");
  CHECK_FALSE(access.insecureSkipTlsVerify);
  CHECK_FALSE(access.exec);
  CHECK(access.origin == "kubeconfig " + file + ", context work");
}

TEST_CASE("merged kubeconfigs: the first file to define a name or a current-context wins", "[kubeconfig]") {
  TempDir dir;
  std::string first = dir.write("a/config", kFirst);
  std::string second = dir.write("b/config", kSecond);

  ClusterAccess firstWins = kubeconfigAccess({first, second});
  CHECK(firstWins.server == "https://first.example:6443");  // context "work" and cluster "shared" of a/
  CHECK(firstWins.token == "first-token");

  ClusterAccess secondFirst = kubeconfigAccess({second, first});
  CHECK(secondFirst.origin == "kubeconfig " + second + ", context lab");
  CHECK(secondFirst.server == "https://lab.example");
  CHECK(secondFirst.insecureSkipTlsVerify);
  CHECK(secondFirst.tokenFile == dir.path() + "/b/tokens/bob");  // relative to the file naming it

  // A context of the second file still gets the first file's "shared" cluster, as with kubectl.
  ClusterAccess mixed = kubeconfigAccess({first, second}, "lab-shared");
  CHECK(mixed.server == "https://first.example:6443");
  CHECK(mixed.caPem == kCaPem);
  CHECK(mixed.tokenFile == dir.path() + "/b/tokens/bob");
  CHECK(mixed.origin == "kubeconfig " + second + ", context lab-shared");
}

TEST_CASE("relative paths resolve against the kubeconfig directory and files are read", "[kubeconfig]") {
  TempDir dir;
  dir.write("kube/certs/ca.crt", kCaPem);
  dir.write("kube/certs/client.crt", "CLIENT CERT PEM");
  dir.write("kube/certs/client.key", "CLIENT KEY PEM");
  std::string file = dir.write("kube/config",
                               "clusters:\n- name: c\n  cluster:\n    server: https://c.example\n"
                               "    certificate-authority: certs/ca.crt\n"
                               "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                               "users:\n- name: u\n  user:\n"
                               "    client-certificate: certs/client.crt\n"
                               "    client-key: " +
                                   dir.path() + "/kube/certs/client.key\n");
  ClusterAccess access = kubeconfigAccess({file}, "x");
  CHECK(access.caFile == dir.path() + "/kube/certs/ca.crt");  // read at use time
  CHECK(access.caPem.empty());
  CHECK(access.clientCertificatePem == "CLIENT CERT PEM");
  CHECK(access.clientKeyPem == "CLIENT KEY PEM");
}

TEST_CASE("*-data fields are base64 and override the files", "[kubeconfig]") {
  TempDir dir;
  std::string file = dir.write("config", withUser("    client-certificate-data: Q0VSVA==\n"
                                                  "    client-certificate: missing.crt\n"
                                                  "    client-key-data: S0VZ\n"));
  ClusterAccess access = kubeconfigAccess({file});
  CHECK(access.clientCertificatePem == "CERT");
  CHECK(access.clientKeyPem == "KEY");

  std::string bad =
      dir.write("bad", withUser("    client-certificate-data: 'not base64!'\n    client-key-data: S0VZ\n"));
  CHECK_THAT(errorOf({bad}), Catch::Contains("kubeconfig " + bad +
                                             ": users[u].user.client-certificate-data: "
                                             "is not valid base64"));
}

TEST_CASE("exec credential plugins are read with args, env and install hint", "[kubeconfig]") {
  TempDir dir;
  std::string file = dir.write("config", withUser(R"(    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod]
      env:
      - name: AWS_PROFILE
        value: prod
      installHint: install the AWS CLI
      interactiveMode: Never
)"));
  ClusterAccess access = kubeconfigAccess({file});
  REQUIRE(access.exec);
  CHECK(access.exec->apiVersion == "client.authentication.k8s.io/v1beta1");
  CHECK(access.exec->command == "aws");  // looked up on PATH, not resolved
  CHECK(access.exec->args ==
        std::vector<std::string>{"--region", "eu-west-1", "eks", "get-token", "--cluster-name", "prod"});
  CHECK(access.exec->env == std::vector<std::pair<std::string, std::string>>{{"AWS_PROFILE", "prod"}});
  CHECK(access.exec->installHint == "install the AWS CLI");

  std::string relative =
      dir.write("sub/config", withUser("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                                       "      command: ./bin/get-token\n"));
  CHECK(kubeconfigAccess({relative}).exec->command == dir.path() + "/sub/bin/get-token");

  std::string old =
      dir.write("old", withUser("    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
                                "      command: aws\n"));
  CHECK_THAT(errorOf({old}),
             Catch::Contains("users[u].user.exec.apiVersion: \"client.authentication.k8s.io/v1alpha1\" "
                             "is not supported"));
  std::string none = dir.write("none", withUser("    exec:\n      command: aws\n"));
  CHECK_THAT(errorOf({none}), Catch::Contains("users[u].user.exec.apiVersion: is missing"));
}

TEST_CASE("kubeconfig mistakes are errors naming the file, the field or the name", "[kubeconfig]") {
  TempDir dir;
  std::string first = dir.write("first", kFirst);
  std::string second = dir.write("second", kSecond);

  CHECK_THAT(errorOf({first, second}, "staging"),
             Catch::Contains("context \"staging\" is not defined in kubeconfig " + first + ", " + second) &&
                 Catch::Contains("lab, lab-shared, work"));
  std::string noCurrent = dir.write("no-current", "clusters: []\ncontexts: []\nusers: []\n");
  CHECK_THAT(errorOf({noCurrent}), Catch::Contains("no current-context is set in kubeconfig " + noCurrent));

  std::string noUser = dir.write("no-user",
                                 "clusters:\n- name: c\n  cluster: {server: https://c}\n"
                                 "contexts:\n- name: x\n  context: {cluster: c, user: ghost}\n"
                                 "current-context: x\n");
  CHECK_THAT(errorOf({noUser}), Catch::Contains("contexts[x].context.user: user \"ghost\" is not defined"));
  std::string noCluster =
      dir.write("no-cluster", "contexts:\n- name: x\n  context: {cluster: gone}\ncurrent-context: x\n");
  CHECK_THAT(errorOf({noCluster}),
             Catch::Contains("contexts[x].context.cluster: cluster \"gone\" is not defined"));
  std::string noServer = dir.write("no-server",
                                   "clusters:\n- name: c\n  cluster: {}\n"
                                   "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
  CHECK_THAT(errorOf({noServer}),
             Catch::Contains("kubeconfig " + noServer + ": clusters[c].cluster.server: is missing"));

  std::string gcp = dir.write("gcp", withUser("    auth-provider:\n      name: gcp\n"));
  CHECK_THAT(errorOf({gcp}), Catch::Contains("auth-provider: \"gcp\" is not supported") &&
                                 Catch::Contains("gke-gcloud-auth-plugin"));
  std::string missingFile = dir.write("missing-file", withUser("    client-certificate: nowhere.crt\n"
                                                               "    client-key: nowhere.key\n"));
  CHECK_THAT(errorOf({missingFile}),
             Catch::Contains("users[u].user.client-certificate: cannot read " + dir.path() + "/nowhere.crt"));
  std::string missingCa = dir.write("missing-ca",
                                    "clusters:\n- name: c\n  cluster: {server: https://c, "
                                    "certificate-authority: ca.crt}\n"
                                    "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
  CHECK_THAT(errorOf({missingCa}), Catch::Contains("clusters[c].cluster.certificate-authority: cannot read"));

  std::string broken = dir.write("broken", "clusters:\n- name: [unclosed\n");
  CHECK_THAT(errorOf({broken}), Catch::Contains("kubeconfig " + broken + ":"));
  CHECK_THAT(errorOf({dir.file("absent")}),
             Catch::Contains("kubeconfig " + dir.file("absent") + ": cannot read it"));
  CHECK_THAT(errorOf({}), Catch::Contains("no kubeconfig"));
}

TEST_CASE("an empty kubeconfig file is skipped in a merge", "[kubeconfig]") {
  TempDir dir;
  std::string empty = dir.write("empty", "");
  std::string first = dir.write("first", kFirst);
  CHECK(kubeconfigAccess({empty, first}).server == "https://first.example:6443");
}
