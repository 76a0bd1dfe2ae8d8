// What a request authenticates with, from a ClusterAccess: a bearer token (static, from a file
// re-read when it changes, or from an exec plugin) and/or a client certificate.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "exec_credential.h"
#include "kubecensus/kube/cluster_access.h"
#include "watched_file.h"

namespace kubecensus::kube {

struct Auth {
  std::string bearerToken;           // empty: no Authorization header
  std::string clientCertificatePem;  // empty: no client certificate
  std::string clientKeyPem;
};

class Credentials {
 public:
  Credentials(const ClusterAccess& access, std::chrono::milliseconds execTimeout);

  // Throws KubeError (a token file that cannot be read, an exec plugin that fails).
  Auth current();
  // After a 401: forgets what may have gone stale. True when asking again may give other
  // credentials (an exec plugin), so the request is worth one more try.
  bool refreshAfterUnauthorized();

 private:
  std::mutex mutex_;
  const ClusterAccess& access_;
  std::optional<WatchedFile> tokenFile_;
  std::optional<ExecCredentialPlugin> exec_;
};

}  // namespace kubecensus::kube
