// Certificates for TLS tests, made with the openssl command line: a CA, server certificates for
// the right and the wrong host, a client certificate, and a second, unrelated CA. Generated once
// per test process (EC keys: fast) into a temporary directory.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace kctest {

struct TestCertificate {
  std::string certFile;
  std::string keyFile;
  std::string certPem;
  std::string keyPem;
};

class TestPki {
 public:
  TestPki() {
    ca = makeCa("ca", "kubecensus test CA");
    otherCa = makeCa("other-ca", "unrelated CA");
    server = issue(ca, "server", "kube-apiserver", "IP:127.0.0.1,DNS:localhost", "serverAuth");
    wrongHost = issue(ca, "wrong-host", "elsewhere", "DNS:elsewhere.example", "serverAuth");
    otherServer = issue(otherCa, "other-server", "impostor", "IP:127.0.0.1,DNS:localhost", "serverAuth");
    client = issue(ca, "client", "kubecensus-agent", "DNS:kubecensus-agent", "clientAuth");
  }

  TestCertificate ca, otherCa, server, wrongHost, otherServer, client;
  const TempDir& dir() const { return dir_; }

 private:
  void openssl(const std::vector<std::string>& args) {
    RunResult result = run("/usr/bin/openssl", args, {}, std::chrono::seconds(30));
    if (result.exitCode != 0) FAIL("openssl failed: " << result.output);
  }

  TestCertificate load(const std::string& name) {
    TestCertificate c{dir_.file(name + ".crt"), dir_.file(name + ".key"), {}, {}};
    c.certPem = readFile(c.certFile);
    c.keyPem = readFile(c.keyFile);
    return c;
  }

  TestCertificate makeCa(const std::string& name, const std::string& cn) {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days",
             "2", "-subj", "/CN=" + cn, "-keyout", dir_.file(name + ".key"), "-out", dir_.file(name + ".crt"),
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"});
    return load(name);
  }

  TestCertificate issue(const TestCertificate& issuer, const std::string& name, const std::string& cn,
                        const std::string& subjectAltName, const std::string& usage) {
    std::string ext =
        dir_.write(name + ".ext", "subjectAltName=" + subjectAltName + "\nextendedKeyUsage=" + usage +
                                      "\nbasicConstraints=CA:FALSE\n");
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
             "/CN=" + cn, "-keyout", dir_.file(name + ".key"), "-out", dir_.file(name + ".csr")});
    openssl({"x509", "-req", "-in", dir_.file(name + ".csr"), "-CA", issuer.certFile, "-CAkey",
             issuer.keyFile, "-CAcreateserial", "-days", "2", "-extfile", ext, "-out",
             dir_.file(name + ".crt")});
    return load(name);
  }

  TempDir dir_;
};

// One set per test process.
inline const TestPki& testPki() {
  static TestPki pki;
  return pki;
}

}  // namespace kctest
