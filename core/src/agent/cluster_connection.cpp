#include "kubecensus/agent/cluster_connection.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "kubecensus/kube/cluster_access.h"
#include "kubecensus/kube/kube_client.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/util/hmac.h"
#include "kubecensus/util/logger.h"

namespace kubecensus::agent {

std::unique_ptr<KubeClient> connectToCluster(const Options& kubernetes, const Environment& env, Logger& log) {
  const std::string access = kubernetes.getString("access");
  if (access == "none") return nullptr;
  std::optional<ClusterAccess> cluster;
  if (access == "in-cluster" || (access == "auto" && runningInCluster(env))) {
    cluster = inClusterAccess(env);
  } else {
    auto files = kubeconfigFiles(kubernetes.getString("kubeconfig"), env);
    if (files.empty()) {
      if (access == "kubeconfig")
        throw std::runtime_error(
            "kubernetes.access is kubeconfig but no kubeconfig was found (set --kubeconfig, "
            "kubernetes.kubeconfig or KUBECONFIG)");
      log.info("no Kubernetes access (not in a pod, no kubeconfig): reporting this host");
      return nullptr;
    }
    cluster = kubeconfigAccess(files, kubernetes.getString("context"));
  }
  KubeClientSettings settings;
  settings.connectTimeout = settings.readTimeout = kubernetes.getDuration("timeout");
  settings.pageSize = static_cast<std::uint32_t>(kubernetes.getInt("page_size"));
  log.info("Kubernetes API " + cluster->server + " via " + cluster->origin);
  return std::make_unique<KubeClient>(std::move(*cluster), settings, log);
}

std::string clusterIdFromUid(const std::string& key, const std::string& uid) {
  std::string h = hmacSha256Hex(key, uid).substr(0, 32);
  h[12] = '8';  // version 8: custom, as RFC 9562 names UUIDs built from a hash of one's own
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // the RFC 4122 variant bits
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
         h.substr(20, 12);
}

std::string kubeSystemUid(KubeClient& kube) {
  nlohmann::json ns = kube.get("/api/v1/namespaces/kube-system");
  const auto* uid = ns.contains("metadata") ? &ns["metadata"] : nullptr;
  if (!uid || !uid->contains("uid") || !(*uid)["uid"].is_string() || (*uid)["uid"].get<std::string>().empty())
    throw KubeError(0, "the kube-system namespace has no metadata.uid");
  return (*uid)["uid"].get<std::string>();
}

bool clusterOptedOut(KubeClient& kube, const std::string& namespacedName) {
  const auto slash = namespacedName.find('/');
  const std::string ns = slash == std::string::npos ? "kube-system" : namespacedName.substr(0, slash);
  const std::string name = slash == std::string::npos ? namespacedName : namespacedName.substr(slash + 1);
  nlohmann::json configMap;
  try {
    configMap = kube.get("/api/v1/namespaces/" + ns + "/configmaps/" + name);
  } catch (const KubeError& e) {
    if (e.status() == 404) return false;
    throw;
  }
  const auto data = configMap.find("data");
  if (data == configMap.end() || !data->is_object()) return false;
  const auto disabled = data->find("disabled");
  if (disabled == data->end() || !disabled->is_string()) return false;
  std::string value = disabled->get<std::string>();
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  return value == "true";
}

}  // namespace kubecensus::agent
