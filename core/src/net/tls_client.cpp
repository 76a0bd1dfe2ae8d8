#include "kubecensus/net/tls_client.h"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kubecensus {
namespace {

// Each PEM certificate block of a bundle, as Poco certificates.
std::vector<Poco::Crypto::X509Certificate> certificatesOf(const std::string& pem, const std::string& what) {
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  std::vector<Poco::Crypto::X509Certificate> certificates;
  for (std::size_t begin = pem.find(kBegin); begin != std::string::npos; begin = pem.find(kBegin, begin)) {
    std::size_t end = pem.find(kEnd, begin);
    if (end == std::string::npos) throw std::runtime_error(what + ": a certificate is not terminated");
    end += kEnd.size();
    std::istringstream block(pem.substr(begin, end - begin) + "\n");
    try {
      certificates.emplace_back(block);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error(what + ": certificate " + std::to_string(certificates.size() + 1) +
                               " is invalid: " + e.displayText());
    }
    begin = end;
  }
  if (certificates.empty()) throw std::runtime_error(what + ": no PEM certificate in it");
  return certificates;
}

}  // namespace

void initializeTls() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
        new Poco::Net::RejectCertificateHandler(false));
    Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                                           Poco::Net::Context::VERIFY_STRICT, 9, true));
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  });
}

Poco::Net::Context::Ptr makeClientContext(const TlsSettings& settings) {
  initializeTls();
  using Poco::Net::Context;
  // VERIFY_STRICT is VERIFY_RELAXED for a client as far as OpenSSL goes; for Poco it also means
  // "check the host name even for 127.0.0.1", where kind and k3s clusters live.
  Context::VerificationMode mode =
      settings.insecureSkipVerify ? Context::VERIFY_NONE : Context::VERIFY_STRICT;
  bool systemStore = settings.caPem.empty() && !settings.insecureSkipVerify;
  Context::Ptr context;
  try {
    context = new Context(Context::TLS_CLIENT_USE, "", mode, 9, systemStore);
    context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("cannot set up TLS: " + e.displayText());
  }
  if (!settings.caPem.empty() && !settings.insecureSkipVerify) {
    for (const auto& ca : certificatesOf(settings.caPem, "certificate authority")) {
      try {
        context->addCertificateAuthority(ca);
      } catch (const Poco::Exception& e) {
        throw std::runtime_error("certificate authority: " + e.displayText());
      }
    }
  }
  if (!settings.clientCertificatePem.empty() || !settings.clientKeyPem.empty()) {
    if (settings.clientCertificatePem.empty() || settings.clientKeyPem.empty())
      throw std::runtime_error("a client certificate needs both the certificate and its key");
    auto chain = certificatesOf(settings.clientCertificatePem, "client certificate");
    try {
      context->useCertificate(chain.front());
      for (std::size_t i = 1; i < chain.size(); ++i) context->addChainCertificate(chain[i]);
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("client certificate: " + e.displayText());
    }
    try {
      std::istringstream key(settings.clientKeyPem);
      context->usePrivateKey(Poco::Crypto::EVPPKey(nullptr, &key));
    } catch (const Poco::Exception& e) {
      throw std::runtime_error("client key: unusable, or not the key of the client certificate: " +
                               e.displayText());
    }
  }
  return context;
}

}  // namespace kubecensus
