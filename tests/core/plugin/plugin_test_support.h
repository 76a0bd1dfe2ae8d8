// Helpers shared by the plugin loader tests: where the fixture plugins are, copying one into a
// temporary directory (for permission tests), and loading a case that must be refused.
#pragma once

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "kubecensus/plugin/registry.h"

namespace kctest {

// tests/plugin-fixtures/<relative> in the build tree (built by kc-test-plugin-fixtures).
inline std::string pluginFixture(const std::string& relative) {
  return std::string(KUBECENSUS_BINARY_DIR) + "/tests/plugin-fixtures/" + relative;
}

// Copies a fixture plugin to `destination` with mode 0755, whatever the umask.
inline std::string copyPlugin(const std::string& fixture, const std::string& destination) {
  std::filesystem::copy_file(pluginFixture(fixture), destination,
                             std::filesystem::copy_options::overwrite_existing);
  ::chmod(destination.c_str(), 0755);
  return destination;
}

// Loads a fixture case directory that holds one plugin the loader must refuse; returns it.
inline kubecensus::PluginRefusal refusalOf(const std::string& fixtureCase) {
  kubecensus::PluginRegistry registry;
  registry.loadDirectory(pluginFixture(fixtureCase));
  CHECK(registry.plugins().empty());
  REQUIRE(registry.refusals().size() == 1);
  return registry.refusals().front();
}

}  // namespace kctest
