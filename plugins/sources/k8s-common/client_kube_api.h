// KubeApi over the agent's KubeClient: what the k8s-* sources use outside tests.
#pragma once

#include "kube_api.h"
#include "kubecensus/kube/kube_client.h"

namespace kubecensus::k8s {

class ClientKubeApi final : public KubeApi {
 public:
  explicit ClientKubeApi(KubeClient& client) : client_(client) {}
  nlohmann::json get(const std::string& path) override { return client_.get(path); }
  void list(const ApiResource& resource, const ListOptions& options, const OnItem& onItem,
            const OnRestart& onRestart) override {
    client_.list(resource, options, onItem, onRestart);
  }

 private:
  KubeClient& client_;  // the agent's, lives for the whole collect()
};

}  // namespace kubecensus::k8s
