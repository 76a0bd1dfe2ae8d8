// Reading configuration files and applying overrides.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kubecensus/config/config.h"

namespace kubecensus {

// Loads an INI (.ini, .conf) or YAML (.yaml, .yml) file; values get ${...} substitution.
// Throws ConfigError naming file and line for syntax errors and failed substitutions.
Config loadConfigFile(const std::string& path, const Environment& env);
Config parseIni(std::string_view text, const std::string& fileName, const Environment& env);
Config parseYaml(std::string_view text, const std::string& fileName, const Environment& env);

// Expands a value:  ${VAR}  ${VAR:-default}  ${VAR:?message}  ${file:/path/to/secret}
// (file contents, one trailing newline removed)  and  $$  for a literal '$'.
// An unset ${VAR} without default is an error, naming the variable.
std::string substitute(std::string_view value, const Location& where, const std::string& section,
                       const std::string& key, const Environment& env);

// KUBECENSUS_<SECTION>_<KEY> environment overrides. The section and key are matched
// against the given sections' known keys, with '.', '-' mapped to '_' and upper-cased:
// KUBECENSUS_SINK_HTTP_URL sets [sink.http] url. `knownKeys` maps a section name to its keys;
// a variable with the KUBECENSUS_ prefix that matches none is returned, for a warning,
// unless it is in kEnvironmentNonOverrides or `alsoIgnored` (variables read elsewhere).
// A matching variable sets the value with Location{"environment", 0, "<VARIABLE>"}, creating
// the section if needed. Values are taken literally (no ${...} substitution).
std::vector<std::string> applyEnvironmentOverrides(
    Config& config, const Environment& env,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& knownKeys,
    const std::vector<std::string>& alsoIgnored = {});

// KUBECENSUS_* variables that are not configuration overrides, so never reported as unmatched:
// KUBECENSUS_DISABLED turns the agent off as a whole (read by the agent before any config).
inline const std::vector<std::string> kEnvironmentNonOverrides = {"KUBECENSUS_DISABLED"};

}  // namespace kubecensus
