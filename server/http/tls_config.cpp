#include "http/tls_config.h"

#include <sys/stat.h>

#include <openssl/ssl.h>

#include <stdexcept>

#include "http/asio.h"
#include "kubecensus/util/logger.h"

namespace kubecensus::server {
namespace {

// Mozilla's intermediate configuration (TLS 1.2 suites; TLS 1.3's are all AEAD and
// forward-secret). The DHE suites are left out: no DH parameters are configured.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::shared_ptr<net::asio::ssl::context> load(const std::string& certFile, const std::string& keyFile) {
  auto context = std::make_shared<net::asio::ssl::context>(net::asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_SINGLE_ECDH_USE);
  // An idle TLS connection gives back its read and write buffers (about 34 KiB each).
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) throw std::runtime_error("no usable TLS 1.2 cipher");
  boost::system::error_code error;
  context->use_certificate_chain_file(certFile, error);
  if (error) throw std::runtime_error("TLS certificate " + certFile + " unusable: " + error.message());
  context->use_private_key_file(keyFile, net::asio::ssl::context::pem, error);
  if (error) throw std::runtime_error("TLS key " + keyFile + " unusable: " + error.message());
  if (SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("TLS key " + keyFile + " does not belong to certificate " + certFile);
  return context;
}

std::string fileStamp(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "missing";
  return std::to_string(info.st_ino) + ":" + std::to_string(info.st_size) + ":" +
         std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
}

}  // namespace

TlsConfig::TlsConfig(std::string certFile, std::string keyFile, Logger& log)
    : certFile_(std::move(certFile)), keyFile_(std::move(keyFile)), log_(log) {
  stamp_ = stamp();
  context_ = load(certFile_, keyFile_);
}

TlsConfig::~TlsConfig() = default;

std::string TlsConfig::stamp() const {
  return fileStamp(certFile_) + "|" + fileStamp(keyFile_);
}

std::shared_ptr<net::asio::ssl::context> TlsConfig::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

bool TlsConfig::reloadIfChanged() {
  const std::string now = stamp();
  {
    std::lock_guard lock(mutex_);
    if (now == stamp_) return false;
    stamp_ = now;  // a broken pair is reported once, not at every check
  }
  try {
    auto fresh = load(certFile_, keyFile_);
    std::lock_guard lock(mutex_);
    context_ = std::move(fresh);
  } catch (const std::exception& e) {
    log_.error(std::string(e.what()) + "; still serving the previous certificate");
    return false;
  }
  log_.info("TLS certificate " + certFile_ + " reloaded");
  return true;
}

}  // namespace kubecensus::server
