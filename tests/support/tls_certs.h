// Throw-away TLS material for tests, made with the `openssl` command line (scripts/install-deps
// installs it): a CA, a server certificate for 127.0.0.1 and localhost signed by it, and a
// client certificate signed by it. EC P-256 keys (fast to make), valid for two days.
//
//   kctest::TempDir dir;
//   kctest::TlsFiles tls = kctest::makeTlsFiles(dir.path());
//   // tls.caCert to verify the server; tls.serverCert/serverKey for a server;
//   // tls.clientCert/clientKey for client-certificate authentication.
#pragma once

#include <string>

namespace kctest {

struct TlsFiles {
  std::string caCert;  // PEM; the only trust anchor the other two chain to
  std::string caKey;
  std::string serverCert;  // CN=127.0.0.1, subjectAltName IP:127.0.0.1, DNS:localhost; serverAuth
  std::string serverKey;   // PKCS#8 PEM, unencrypted
  std::string clientCert;  // CN=kubecensus-test-client, O=system:masters; clientAuth
  std::string clientKey;
};

// Writes ca.crt, ca.key, server.crt, server.key, client.crt and client.key into `directory`
// (which must exist) and returns their paths. Throws std::runtime_error with openssl's output
// if a step fails.
TlsFiles makeTlsFiles(const std::string& directory);

}  // namespace kctest
