// The stand-in Kubernetes API server (tests/tools/test_apiserver, binary
// tests/kubecensus-test-apiserver) started as a child process for a test, with fresh TLS
// material (tls_certs.h), a bearer token, an access log and a kubeconfig for it.
//
//   kctest::TestApiServer server({"--objects", kctest::TestApiServer::fixtureObjects(
//                                     "nodes", "k8s/real/nodelist-kind-1.20-containerd-3nodes.json")});
//   // server.url()        https://127.0.0.1:PORT
//   // server.kubeconfig() a kubeconfig file: CA data embedded, token, current-context set
//   // server.tls().caCert the CA to verify it with
//   // server.accessLogLines() "GET\t/api/v1/nodes?limit=500\t<Accept>\t200", one per request
//
// Add kubecensus-test-apiserver to the test's DEPENDS. The server's command line is described
// by `kubecensus-test-apiserver --help` (--generate, --canary, --forbid, --continue-ttl,
// --no-metadata-lists, --fail-after-pages, --version-file, ...).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tls_certs.h"

namespace kctest {

struct TestApiServerOptions {
  std::vector<std::string> args;  // more command-line arguments for the server
  std::string token = "kubecensus-test-token";
  // Also authenticate requests that present tls().clientCert (adds --client-ca tls().caCert).
  bool acceptClientCertificates = false;
  std::chrono::milliseconds startTimeout = std::chrono::seconds(20);
};

class TestApiServer {
 public:
  // Starts the server and waits for its "listening on" line; throws std::runtime_error with
  // its output if it exits or does not get ready within the timeout.
  explicit TestApiServer(std::vector<std::string> args = {});
  explicit TestApiServer(const TestApiServerOptions& options);
  ~TestApiServer();  // SIGTERM (then SIGKILL) if still running; removes its directory
  TestApiServer(const TestApiServer&) = delete;
  TestApiServer& operator=(const TestApiServer&) = delete;

  // "RESOURCE=/abs/path/of/tests/fixtures/<relative>", the value of an --objects argument.
  static std::string fixtureObjects(const std::string& resource, const std::string& fixtureRelative);
  static std::string binary();  // the server's executable in the build tree
  // Arguments serving a recorded cluster: kind 1.20's 3 nodes, k3s 1.33's namespaces, its
  // kube-system pods and /version (9 lists in an agent's pass), then `extra`.
  static std::vector<std::string> recordedCluster(const std::vector<std::string>& extra = {});

  const std::string& url() const { return url_; }  // https://127.0.0.1:PORT
  int port() const { return port_; }
  const std::string& token() const { return token_; }
  const TlsFiles& tls() const { return tls_; }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const std::string& directory() const { return dir_.path(); }  // certificates, logs, kubeconfigs
  ChildProcess& process() { return *process_; }
  pid_t pid() const { return process_->pid(); }

  struct KubeconfigOptions {
    bool embedCa = true;             // certificate-authority-data; false: certificate-authority file
    bool token = true;               // user.token
    bool clientCertificate = false;  // user.client-certificate-data and client-key-data
  };
  // Writes a kubeconfig (YAML; cluster, user and context "kubecensus-test") to `path` and
  // returns `path`. kubeconfig() is one written with the default options.
  std::string writeKubeconfig(const std::string& path, const KubeconfigOptions& options) const;

  std::string output() const { return process_->output(); }  // the server's stdout and stderr
  std::string accessLog() const;                             // --access-log contents so far
  std::vector<std::string> accessLogLines() const;
  // Sends SIGTERM and waits; returns the exit code (0 is a clean stop).
  int stop();

 private:
  TempDir dir_;
  TlsFiles tls_;
  std::string token_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string url_;
  std::string kubeconfig_;
};

}  // namespace kctest
