// The collector's TLS settings (Mozilla's "intermediate" profile: TLS 1.2 and 1.3, forward-secret
// AEAD suites only) and the certificate and key, re-read when their files change (cert-manager
// rotates them in place) without a restart: new connections get the new context, open ones keep
// theirs.
#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class TlsConfig {
 public:
  // Throws std::runtime_error naming the file when the certificate or key cannot be used.
  TlsConfig(std::string certFile, std::string keyFile, Logger& log);
  ~TlsConfig();

  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Re-reads the files if either changed since the last load (size, time, inode); a pair that
  // cannot be used is logged and the previous context kept. True when a new one was loaded.
  bool reloadIfChanged();

 private:
  std::string stamp() const;

  const std::string certFile_, keyFile_;
  Logger& log_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::string stamp_;
};

}  // namespace kubecensus::server
