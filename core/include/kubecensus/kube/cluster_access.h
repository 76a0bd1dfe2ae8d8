// How to reach and authenticate to a Kubernetes API server: from inside a pod (service account)
// or from kubeconfig files merged the way kubectl merges them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kubecensus/config/config.h"  // Environment

namespace kubecensus {

// A client-go credential plugin (users[].user.exec): EKS, GKE and AKS authenticate this way.
struct ExecConfig {
  std::string apiVersion;  // client.authentication.k8s.io/v1 or /v1beta1
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string installHint;  // shown when the command cannot be run
};

struct ClusterAccess {
  std::string server;  // https://host:port (a path prefix is kept)
  std::string caPem;   // CA bundle to verify the server with; empty: caFile, else the system store
  std::string caFile;  // CA bundle read at use time (and re-read when it changes); used when caPem is empty
  bool insecureSkipTlsVerify = false;
  std::string token;      // static bearer token
  std::string tokenFile;  // bearer token read from a file, re-read when it changes
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::optional<ExecConfig> exec;
  std::string origin;  // for messages: "in-cluster service account" or "kubeconfig <file>, context <name>"
};

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// True when KUBERNETES_SERVICE_HOST and _PORT are set (the agent runs in a pod).
bool runningInCluster(const Environment& env);
// Service account token (as tokenFile) and CA (as caFile) from `serviceAccountDir`, both read at
// use time; server from the env. Throws std::runtime_error naming what is missing.
ClusterAccess inClusterAccess(const Environment& env,
                              const std::string& serviceAccountDir = kServiceAccountDir);

// The kubeconfig files kubectl would read: `explicitPath` if given, else the ':'-separated
// KUBECONFIG list (missing files skipped), else ~/.kube/config if it exists. May be empty.
std::vector<std::string> kubeconfigFiles(const std::string& explicitPath, const Environment& env);

// Merges `files` as kubectl does (the first file to define a cluster, user, context or
// current-context wins), picks `context` or else current-context, and resolves relative
// paths against the file that named them. Throws std::runtime_error naming file and field.
ClusterAccess kubeconfigAccess(const std::vector<std::string>& files, const std::string& context = {});

}  // namespace kubecensus
