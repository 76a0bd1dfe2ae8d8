// Configuration files with ${...} substitution, built twice: ini_config (parseIni: .ini, .conf)
// and yaml_config (parseYaml: .yaml, .yml), chosen by KUBECENSUS_FUZZ_YAML. Refusals are
// ConfigError naming file and line; anything else escaping is a defect.
#include "kubecensus/config/config_file.h"
#include "fuzz_support.h"

using namespace kubecensus;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Environment env = {{"HOME", "/nonexistent"}, {"CLUSTER", "prod"}, {"EMPTY", ""}};
  try {
#if KUBECENSUS_FUZZ_YAML
    parseYaml(fuzz::text(data, size), "fuzz.yaml", env);
#else
    parseIni(fuzz::text(data, size), "fuzz.ini", env);
#endif
  } catch (const ConfigError&) {
  }
  return 0;
}
