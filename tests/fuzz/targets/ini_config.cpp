// INI configuration files (.ini, .conf), with ${...} substitution. Refusals are ConfigError
// naming file and line; anything else escaping is a defect.
#include "fuzz_support.h"
#include "kubecensus/config/config_file.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Environment env = {{"HOME", "/nonexistent"}, {"CLUSTER", "prod"}, {"EMPTY", ""}};
  try {
    parseIni(fuzz::text(data, size), "fuzz.ini", env);
  } catch (const ConfigError&) {
  }
  return 0;
}
