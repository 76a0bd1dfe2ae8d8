// The agent's connection to its cluster, as the [kubernetes] section says, and the cluster ID
// derived from it.
#pragma once

#include <memory>
#include <string>

#include "kubecensus/config/config.h"

namespace kubecensus {
class KubeClient;
class Logger;
class Options;
}  // namespace kubecensus

namespace kubecensus::agent {

// A client for the cluster, or nullptr when access is "none", or "auto" outside a pod with
// no kubeconfig to be found. Throws std::runtime_error when the configured access is unusable
// (e.g. access = kubeconfig and no file, a context that does not exist).
std::unique_ptr<KubeClient> connectToCluster(const Options& kubernetes, const Environment& env, Logger& log);

// HMAC-SHA256(key, uid) in the shape of a UUID (RFC 9562 version 8): stable for the cluster,
// not joinable with the raw kube-system UID that other tools send.
std::string clusterIdFromUid(const std::string& key, const std::string& uid);

// metadata.uid of the kube-system namespace (the de-facto cluster UID). Throws KubeError.
std::string kubeSystemUid(KubeClient& kube);

// The cluster-level opt-out switch: true when the ConfigMap `namespacedName` ("namespace/name")
// has data.disabled = "true" (any case); false when it is absent or says anything else. Throws
// KubeError when it cannot be read (403: the agent may not; 0: no answer).
bool clusterOptedOut(KubeClient& kube, const std::string& namespacedName);

}  // namespace kubecensus::agent
