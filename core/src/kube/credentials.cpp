#include "credentials.h"

#include "kubecensus/kube/kube_client.h"

namespace kubecensus::kube {
namespace {

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

Credentials::Credentials(const ClusterAccess& access, std::chrono::milliseconds execTimeout)
    : access_(access) {
  if (access.exec) exec_.emplace(*access.exec, access.origin, execTimeout);
  if (!access.tokenFile.empty()) tokenFile_.emplace(access.tokenFile, "token file");
}

Auth Credentials::current() {
  std::lock_guard<std::mutex> lock(mutex_);
  Auth auth{access_.token, access_.clientCertificatePem, access_.clientKeyPem};
  if (auth.bearerToken.empty() && tokenFile_) {
    auth.bearerToken = trimmed(tokenFile_->read());
    if (auth.bearerToken.empty()) throw KubeError(0, "token file " + tokenFile_->path() + " is empty");
  }
  if (exec_) {
    const ExecCredential& credential = exec_->get();
    if (!credential.token.empty()) auth.bearerToken = credential.token;
    if (!credential.clientCertificatePem.empty()) {
      auth.clientCertificatePem = credential.clientCertificatePem;
      auth.clientKeyPem = credential.clientKeyPem;
    }
  }
  return auth;
}

bool Credentials::refreshAfterUnauthorized() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exec_) return false;
  exec_->invalidate();
  return true;
}

}  // namespace kubecensus::kube
