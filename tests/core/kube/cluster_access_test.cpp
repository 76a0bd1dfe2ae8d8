#include "kubecensus/kube/cluster_access.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::TempDir;
using Files = std::vector<std::string>;

namespace {

const Environment kPod = {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};

std::string errorOf(const Environment& env, const std::string& dir) {
  try {
    inClusterAccess(env, dir);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("running in a cluster means both service variables are set", "[cluster_access]") {
  CHECK(runningInCluster(kPod));
  CHECK_FALSE(runningInCluster({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}}));
  CHECK_FALSE(runningInCluster({{"KUBERNETES_SERVICE_HOST", ""}, {"KUBERNETES_SERVICE_PORT", "443"}}));
  CHECK_FALSE(runningInCluster({}));
}

TEST_CASE("in-cluster access uses the service account's token and CA files", "[cluster_access]") {
  TempDir sa;
  sa.write("token", "eyJhbGciOiJSUzI1NiJ9.payload.signature");
  sa.write("ca.crt", "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n");
  sa.write("namespace", "kubecensus");
  ClusterAccess access = inClusterAccess(kPod, sa.path());
  CHECK(access.server == "https://10.96.0.1:443");
  CHECK(access.tokenFile == sa.path() + "/token");  // read at use time: bound tokens rotate
  CHECK(access.token.empty());
  CHECK(access.caFile == sa.path() + "/ca.crt");
  CHECK(access.caPem.empty());
  CHECK_FALSE(access.insecureSkipTlsVerify);
  CHECK(access.origin == "in-cluster service account");

  Environment ipv6 = {{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  CHECK(inClusterAccess(ipv6, sa.path()).server == "https://[fd00:10:96::1]:443");
}

TEST_CASE("in-cluster access names what is missing", "[cluster_access]") {
  TempDir sa;
  CHECK_THAT(errorOf({}, sa.path()), Catch::Contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"));
  CHECK_THAT(errorOf(kPod, sa.path()),
             Catch::Contains("no service account token at " + sa.path() + "/token"));
  sa.write("token", "t");
  CHECK_THAT(errorOf(kPod, sa.path()),
             Catch::Contains("no service account CA certificate at " + sa.path() + "/ca.crt"));
}

TEST_CASE("kubeconfig files: --kubeconfig, else KUBECONFIG, else ~/.kube/config", "[cluster_access]") {
  TempDir dir;
  std::string a = dir.write("a", "");
  std::string b = dir.write("b", "");
  std::string home = dir.path() + "/home";
  std::string homeConfig = dir.write("home/.kube/config", "");

  CHECK(kubeconfigFiles("/explicit/config", {{"KUBECONFIG", a}, {"HOME", home}}) ==
        Files{"/explicit/config"});
  // Missing files are skipped, repeated ones read once, order kept.
  CHECK(kubeconfigFiles("", {{"KUBECONFIG", b + ":" + dir.file("missing") + "::" + a + ":" + b},
                             {"HOME", home}}) == Files{b, a});
  CHECK(kubeconfigFiles("", {{"KUBECONFIG", dir.file("missing")}, {"HOME", home}}).empty());
  CHECK(kubeconfigFiles("", {{"HOME", home}}) == Files{homeConfig});
  CHECK(kubeconfigFiles("", {{"KUBECONFIG", ""}, {"HOME", home}}) == Files{homeConfig});
  CHECK(kubeconfigFiles("", {{"HOME", dir.path()}}).empty());
  CHECK(kubeconfigFiles("", {}).empty());
}
