#include "support/test_api_server.h"

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <Poco/Base64Encoder.h>

namespace kctest {

namespace {

std::string base64File(const std::string& path) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);  // standard alphabet, padded, as kubeconfigs have it
  encoder.rdbuf()->setLineLength(0);
  encoder << readFile(path);
  encoder.close();
  return out.str();
}

}  // namespace

std::string TestApiServer::binary() {
  return buildPath("tests/kubecensus-test-apiserver");
}

std::string TestApiServer::fixtureObjects(const std::string& resource, const std::string& fixtureRelative) {
  return resource + "=" + fixturePath(fixtureRelative);
}

std::vector<std::string> TestApiServer::recordedCluster(const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      "--objects",      fixtureObjects("nodes", "k8s/real/nodelist-kind-1.20-containerd-3nodes.json"),
      "--objects",      fixtureObjects("namespaces", "k8s/real/namespacelist-k3s-1.33.json"),
      "--objects",      fixtureObjects("pods", "k8s/real/podlist-k3s-1.33-kube-system.json"),
      "--version-file", fixturePath("k8s/real/version-k3s-1.33-troubleshoot-wrapped.json")};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TestApiServer::TestApiServer(std::vector<std::string> args)
    : TestApiServer(TestApiServerOptions{std::move(args)}) {}

TestApiServer::TestApiServer(const TestApiServerOptions& options)
    : tls_(makeTlsFiles(dir_.path())), token_(options.token) {
  std::vector<std::string> args{"--listen",  "127.0.0.1:0",  "--tls-cert",   tls_.serverCert,
                                "--tls-key", tls_.serverKey, "--access-log", dir_.file("access.log")};
  if (!token_.empty()) args.insert(args.end(), {"--token", token_});
  if (options.acceptClientCertificates) args.insert(args.end(), {"--client-ca", tls_.caCert});
  args.insert(args.end(), options.args.begin(), options.args.end());
  process_ = std::make_unique<ChildProcess>(binary(), args, dir_.file("output.log"));

  const std::regex listening("listening on https://127\\.0\\.0\\.1:([0-9]+)");
  std::smatch match;
  const std::string out = process_->waitForOutput("listening on", options.startTimeout) ? output() : "";
  if (!std::regex_search(out, match, listening))
    throw std::runtime_error("kubecensus-test-apiserver did not start:\n" + output());
  port_ = std::stoi(match[1]);
  url_ = "https://127.0.0.1:" + std::to_string(port_);
  kubeconfig_ = writeKubeconfig(dir_.file("kubeconfig"), KubeconfigOptions{});
}

TestApiServer::~TestApiServer() {
  if (process_ && process_->running()) process_->stop(SIGTERM, std::chrono::seconds(5));
}

int TestApiServer::stop() {
  return process_->stop(SIGTERM);
}

std::string TestApiServer::writeKubeconfig(const std::string& path, const KubeconfigOptions& options) const {
  std::ostringstream yaml;
  yaml << "apiVersion: v1\nkind: Config\nclusters:\n- name: kubecensus-test\n  cluster:\n"
       << "    server: " << url_ << "\n";
  if (options.embedCa)
    yaml << "    certificate-authority-data: " << base64File(tls_.caCert) << "\n";
  else
    yaml << "    certificate-authority: " << tls_.caCert << "\n";
  yaml << "users:\n- name: kubecensus-test\n  user:\n";
  if (options.token) yaml << "    token: " << token_ << "\n";
  if (options.clientCertificate)
    yaml << "    client-certificate-data: " << base64File(tls_.clientCert) << "\n"
         << "    client-key-data: " << base64File(tls_.clientKey) << "\n";
  if (!options.token && !options.clientCertificate) yaml << "    {}\n";
  yaml << "contexts:\n- name: kubecensus-test\n  context:\n    cluster: kubecensus-test\n    user: "
          "kubecensus-test\n"
       << "current-context: kubecensus-test\n";
  std::ofstream out(path);
  out << yaml.str();
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

std::string TestApiServer::accessLog() const {
  try {
    return readFile(dir_.file("access.log"));
  } catch (const std::exception&) {
    return "";
  }
}

std::vector<std::string> TestApiServer::accessLogLines() const {
  std::vector<std::string> lines;
  std::istringstream in(accessLog());
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace kctest
