// kubeconfig files the agent reads (--kubeconfig, KUBECONFIG): YAML, merged as kubectl does.
// Refusals are std::runtime_error naming file and field.
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "fuzz_support.h"
#include "kubecensus/kube/cluster_access.h"

using namespace kubecensus;

namespace {
std::string kubeconfigPath;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char dir[] = "/tmp/kubecensus-fuzz-kubeconfig.XXXXXX";
  if (!mkdtemp(dir)) fuzz::fail("cannot make a temp directory");
  kubeconfigPath = std::string(dir) + "/config";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(kubeconfigPath, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    kubeconfigAccess({kubeconfigPath});
  } catch (const std::runtime_error&) {
  }
  return 0;
}
