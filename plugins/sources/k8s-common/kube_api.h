// The two Kubernetes API calls the k8s-* sources make, as an interface, so that what they do
// with the answers (summarizing, counting, recording errors, starting over after a 410) can be
// tested with recorded API objects instead of a server. The sources get the real one from
// ClientKubeApi (client_kube_api.h) around the agent's shared KubeClient.
//
// plugins/sources/k8s-common/ is not a plugin: its files are compiled into each k8s-* plugin
// that uses them (no CMakeLists.txt here), so plugins still do not depend on each other.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "kubecensus/kube/kube_client.h"

namespace kubecensus::k8s {

class KubeApi {
 public:
  using OnItem = std::function<void(const nlohmann::json& item)>;
  using OnRestart = std::function<void()>;

  virtual ~KubeApi() = default;
  // As KubeClient::get and KubeClient::list: throw KubeError; list streams one item at a time
  // and calls onRestart before it starts over (410 Gone), so callers drop what they counted.
  virtual nlohmann::json get(const std::string& path) = 0;
  virtual void list(const ApiResource& resource, const ListOptions& options, const OnItem& onItem,
                    const OnRestart& onRestart) = 0;
};

}  // namespace kubecensus::k8s
