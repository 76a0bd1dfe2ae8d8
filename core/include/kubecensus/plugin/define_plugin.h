// Helpers that make a plugin's factory file a few lines long:
//
//   const OptionSpec kOptions[] = {{"root", OptionType::Path, "/", "...", 0}};
//   const PluginDescriptor kDescriptor = describePlugin(
//       PluginKind::Source, "host", "one-line description", kOptions, &createPlugin<HostSource>);
//   KUBECENSUS_PLUGIN(kDescriptor)
//
// createPlugin<T> constructs T(const Options&) and turns any exception into create()'s error,
// so no exception crosses the plugin boundary.
#pragma once

#include <cstddef>
#include <exception>
#include <string>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/plugin.h"

namespace kubecensus {

template <class T>
Plugin* createPlugin(const Options& options, std::string* error) noexcept {
  try {
    return new T(options);
  } catch (const std::exception& e) {
    *error = e.what();
  } catch (...) {
    *error = "unknown exception";
  }
  return nullptr;
}

struct PluginTraits {
  std::uint32_t flags = 0;                 // PluginFlags
  const char* specSchemes = nullptr;       // e.g. "http,https"
  const char* specOption = nullptr;        // option that receives a destination spec
  const char* kubernetesAccess = nullptr;  // sources: "list nodes;get namespaces;..."
};

// Inline so KUBECENSUS_BUILD_FINGERPRINT expands in the plugin's own translation unit.
inline PluginDescriptor describePlugin(PluginKind kind, const char* name, const char* description,
                                       const OptionSpec* options, std::uint32_t optionCount,
                                       PluginCreateFn create, PluginTraits traits = {}) {
  return PluginDescriptor{kPluginAbiMajor,
                          kPluginAbiMinor,
                          sizeof(PluginDescriptor),
                          KUBECENSUS_BUILD_FINGERPRINT,
                          kind,
                          name,
                          description,
                          traits.flags,
                          options,
                          optionCount,
                          traits.specSchemes,
                          traits.specOption,
                          create,
                          traits.kubernetesAccess};
}

template <std::size_t N>
inline PluginDescriptor describePlugin(PluginKind kind, const char* name, const char* description,
                                       const OptionSpec (&options)[N], PluginCreateFn create,
                                       PluginTraits traits = {}) {
  return describePlugin(kind, name, description, options, static_cast<std::uint32_t>(N), create, traits);
}

// A plugin without options.
inline PluginDescriptor describePlugin(PluginKind kind, const char* name, const char* description,
                                       PluginCreateFn create, PluginTraits traits = {}) {
  return describePlugin(kind, name, description, nullptr, 0, create, traits);
}

}  // namespace kubecensus
