// client-go credential plugins (kubeconfig users[].user.exec): runs the command, parses the
// ExecCredential it prints, and caches it until shortly before it expires.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "kubecensus/kube/cluster_access.h"

namespace kubecensus::kube {

struct ExecCredential {
  std::string token;
  std::string clientCertificatePem;
  std::string clientKeyPem;
  std::optional<std::chrono::system_clock::time_point> expiry;  // none: valid until a 401
};

// Parses a plugin's stdout. Throws std::runtime_error saying what is wrong with it.
ExecCredential parseExecCredential(const std::string& output, const std::string& expectedApiVersion);

class ExecCredentialPlugin {
 public:
  // `origin` names the kubeconfig user in messages.
  ExecCredentialPlugin(ExecConfig config, std::string origin, std::chrono::milliseconds timeout);

  // The cached credential, or a new one from the plugin when there is none or it expires
  // within kRefreshEarly. Throws KubeError (status 0) with the plugin's stderr.
  const ExecCredential& get();
  // Forgets the cached credential (the server rejected it).
  void invalidate() { cached_.reset(); }

  static constexpr std::chrono::seconds kRefreshEarly{10};

 private:
  ExecCredential run() const;

  ExecConfig config_;
  std::string origin_;
  std::chrono::milliseconds timeout_;
  std::optional<ExecCredential> cached_;
};

}  // namespace kubecensus::kube
