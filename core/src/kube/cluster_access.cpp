// In-cluster access (a pod's service account) and which kubeconfig files kubectl would read.
#include "kubecensus/kube/cluster_access.h"

#include <filesystem>
#include <set>
#include <stdexcept>

namespace kubecensus {
namespace {

std::string lookup(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

bool isFile(const std::string& path) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(path, ignored);
}

}  // namespace

bool runningInCluster(const Environment& env) {
  return !lookup(env, "KUBERNETES_SERVICE_HOST").empty() && !lookup(env, "KUBERNETES_SERVICE_PORT").empty();
}

ClusterAccess inClusterAccess(const Environment& env, const std::string& serviceAccountDir) {
  std::string host = lookup(env, "KUBERNETES_SERVICE_HOST");
  std::string port = lookup(env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty())
    throw std::runtime_error(
        "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  ClusterAccess access;
  access.tokenFile = serviceAccountDir + "/token";
  access.caFile = serviceAccountDir + "/ca.crt";
  if (!isFile(access.tokenFile))
    throw std::runtime_error("no service account token at " + access.tokenFile +
                             " (is automountServiceAccountToken false for the pod?)");
  if (!isFile(access.caFile))
    throw std::runtime_error("no service account CA certificate at " + access.caFile);
  // An IPv6 service address needs brackets in a URL.
  access.server = "https://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  access.origin = "in-cluster service account";
  return access;
}

std::vector<std::string> kubeconfigFiles(const std::string& explicitPath, const Environment& env) {
  if (!explicitPath.empty()) return {explicitPath};
  std::vector<std::string> files;
  std::string list = lookup(env, "KUBECONFIG");
  if (!list.empty()) {
    // kubectl skips files that do not exist and reads each file once.
    std::set<std::string> seen;
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t end = list.find(':', start);
      if (end == std::string::npos) end = list.size();
      std::string file = list.substr(start, end - start);
      if (!file.empty() && isFile(file) && seen.insert(file).second) files.push_back(file);
      start = end + 1;
    }
    return files;
  }
  std::string home = lookup(env, "HOME");
  if (!home.empty() && isFile(home + "/.kube/config")) files.push_back(home + "/.kube/config");
  return files;
}

}  // namespace kubecensus
