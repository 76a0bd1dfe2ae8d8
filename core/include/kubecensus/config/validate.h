// Validation of a Config against the core sections' option tables and the plugins'
// descriptors: unknown sections and keys, wrong types, missing required options, unknown
// plugins. Every problem is collected (not just the first), each with its location.
#pragma once

#include <string>
#include <vector>

#include "kubecensus/config/config.h"
#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/options.h"

namespace kubecensus {

class PluginRegistry;

// A fixed section of the executable's own, e.g. [agent] or [collector].
struct SectionSchema {
  std::string name;
  std::vector<OptionSpec> options;
};

// A configured plugin instance: section "<kind>.<instance>" with `type = <plugin>`
// (default: the instance name) and `enabled = true|false` (default true).
struct ConfiguredPlugin {
  PluginKind kind;
  std::string instance;
  std::string plugin;
  const PluginDescriptor* descriptor = nullptr;
  Options options;  // defaults filled in
  Location where;
};

struct ValidatedConfig {
  std::vector<std::pair<std::string, Options>> sections;  // core sections, defaults filled in
  std::vector<ConfiguredPlugin> plugins;                  // enabled instances only, config order
  const Options& section(const std::string& name) const;  // throws std::out_of_range
};

// Section prefix of a plugin kind: "source", "sink", "storage".
const char* sectionPrefix(PluginKind kind);

// Checks `config`; fills `issues` (empty = valid). `pluginKinds` says which plugin sections
// this executable accepts (the agent: sources and sinks; the collector: storage).
ValidatedConfig validateConfig(const Config& config, const std::vector<SectionSchema>& core,
                               const std::vector<PluginKind>& pluginKinds,
                               const PluginRegistry& registry, std::vector<ConfigIssue>& issues);

// The effective configuration as INI, secrets masked as "********", each value annotated with
// where it came from ("; default" for defaults).
std::string printConfig(const Config& config, const ValidatedConfig& validated,
                        const std::vector<SectionSchema>& core);

}  // namespace kubecensus
