// KUBECENSUS_<SECTION>_<KEY> overrides, for container deployments that configure through
// the environment. Only known sections and keys are matched: the mapping from a variable
// name back to section and key is ambiguous ('_' is also a key character), so it is built
// forwards from what the caller knows.
#include <algorithm>
#include <cctype>
#include <map>

#include "kubecensus/config/config_file.h"

namespace kubecensus {
namespace {

constexpr std::string_view kPrefix = "KUBECENSUS_";

std::string envPart(std::string_view name) {
  std::string out;
  for (char c : name) {
    out += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::vector<std::string> applyEnvironmentOverrides(
    Config& config, const Environment& env,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& knownKeys,
    const std::vector<std::string>& alsoIgnored) {
  std::map<std::string, std::pair<std::string, std::string>> targets;  // variable -> section, key
  for (const auto& [section, keys] : knownKeys) {
    for (const auto& key : keys) {
      // The first claim wins if two section/key pairs spell the same variable.
      targets.emplace(std::string(kPrefix) + envPart(section) + "_" + envPart(key), std::make_pair(section, key));
    }
  }

  std::vector<std::string> unmatched;
  for (const auto& [variable, value] : env) {
    if (!variable.starts_with(kPrefix)) continue;
    auto target = targets.find(variable);
    if (target == targets.end()) {
      bool ignored = std::find(kEnvironmentNonOverrides.begin(), kEnvironmentNonOverrides.end(), variable) !=
                         kEnvironmentNonOverrides.end() ||
                     std::find(alsoIgnored.begin(), alsoIgnored.end(), variable) != alsoIgnored.end();
      if (!ignored) unmatched.push_back(variable);
      continue;
    }
    Location where{"environment", 0, variable};
    const auto& [section, key] = target->second;
    config.getOrAdd(section, where).set(key, value, where);
  }
  return unmatched;
}

}  // namespace kubecensus
