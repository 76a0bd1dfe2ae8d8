// TLS clients of the agent (the Kubernetes API, the collector): Poco contexts built from PEM
// data (kubeconfigs carry certificates inline), always verifying unless told not to.
#pragma once

#include <string>

#include <Poco/Net/Context.h>

namespace kubecensus {

// Once per process: OpenSSL set up, and Poco's global invalid-certificate handler set to reject,
// so an unverifiable server fails the handshake instead of prompting on the console.
void initializeTls();

struct TlsSettings {
  std::string caPem;  // trusted CAs (a bundle may hold several); empty: the system store
  bool insecureSkipVerify = false;
  std::string clientCertificatePem;  // the certificate first, then any intermediates
  std::string clientKeyPem;
};

// The server's chain is verified and so is its name (also for loopback addresses, which Poco
// exempts unless the mode is VERIFY_STRICT), unless insecureSkipVerify. Throws
// std::runtime_error saying which PEM data is unusable.
Poco::Net::Context::Ptr makeClientContext(const TlsSettings& settings);

}  // namespace kubecensus
