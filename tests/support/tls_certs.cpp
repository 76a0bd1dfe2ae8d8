#include "support/tls_certs.h"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/process.h"

namespace kctest {

namespace {

void openssl(const std::vector<std::string>& args) {
  RunResult result = run("/usr/bin/openssl", args);
  if (result.exitCode != 0) {
    std::string command = "openssl";
    for (const auto& a : args) command += " " + a;
    throw std::runtime_error(command + " failed (" + std::to_string(result.exitCode) + "):\n" +
                             result.output);
  }
}

std::string randomSerial() {
  std::random_device device;
  std::ostringstream out;
  out << "0x" << std::hex << (device() | 0x10000000u) << device();
  return out.str();
}

// A key and a certificate signed by the CA, with the extensions in `extensions`.
void signedCertificate(const std::string& dir, const std::string& name, const std::string& subject,
                       const std::string& extensions, const TlsFiles& ca) {
  const std::string key = dir + "/" + name + ".key";
  const std::string csr = dir + "/" + name + ".csr";
  const std::string ext = dir + "/" + name + ".ext";
  std::ofstream out(ext);
  out << extensions;
  if (!out) throw std::runtime_error("cannot write " + ext);
  out.close();
  openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           key, "-out", csr, "-subj", subject});
  openssl({"x509", "-req", "-in", csr, "-CA", ca.caCert, "-CAkey", ca.caKey, "-set_serial", randomSerial(),
           "-days", "2", "-sha256", "-extfile", ext, "-out", dir + "/" + name + ".crt"});
}

}  // namespace

TlsFiles makeTlsFiles(const std::string& directory) {
  TlsFiles files{directory + "/ca.crt",     directory + "/ca.key",     directory + "/server.crt",
                 directory + "/server.key", directory + "/client.crt", directory + "/client.key"};
  openssl({"req",        "-x509",
           "-newkey",    "ec",
           "-pkeyopt",   "ec_paramgen_curve:prime256v1",
           "-nodes",     "-keyout",
           files.caKey,  "-out",
           files.caCert, "-days",
           "2",          "-sha256",
           "-subj",      "/CN=kubecensus-test-ca",
           "-addext",    "basicConstraints=critical,CA:TRUE",
           "-addext",    "keyUsage=critical,keyCertSign,cRLSign"});
  signedCertificate(directory, "server", "/CN=127.0.0.1",
                    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
                    files);
  signedCertificate(directory, "client", "/O=system:masters/CN=kubecensus-test-client",
                    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=clientAuth\n",
                    files);
  return files;
}

}  // namespace kctest
