// The stdout of a client-go credential plugin (kubeconfig users[].user.exec).
#include <stdexcept>

#include "fuzz_support.h"
#include "kube/exec_credential.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string output(fuzz::text(data, size));
  for (const char* apiVersion : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    try {
      kube::parseExecCredential(output, apiVersion);
    } catch (const std::runtime_error&) {
    }
  }
  return 0;
}
