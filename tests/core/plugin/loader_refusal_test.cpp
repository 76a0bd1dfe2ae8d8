// The loader against real broken shared libraries (tests/core/plugin/fixtures): each is refused
// with a message that names the file and says what is wrong in plain words.
#include <catch2/catch.hpp>
#include <fstream>

#include "kubecensus/plugin/registry.h"
#include "plugin_test_support.h"
#include "support/temp_dir.h"

using kctest::pluginFixture;
using kctest::refusalOf;
using namespace kubecensus;

TEST_CASE("a plugin built for another major ABI is refused naming both versions") {
  auto refusal = refusalOf("wrong-abi");
  CHECK(refusal.path == pluginFixture("wrong-abi/wrong-abi.so"));
  CHECK(refusal.reason ==
        "plugin ABI 4.0 is not supported by this host (ABI 3.0): rebuild the plugin against this "
        "kubecensus SDK");
  CHECK(refusal.str() == refusal.path + ": " + refusal.reason);
}

TEST_CASE("a plugin built for a newer minor ABI is refused naming both versions") {
  auto refusal = refusalOf("newer-minor");
  CHECK(refusal.path == pluginFixture("newer-minor/newer-minor.so"));
  CHECK(refusal.reason ==
        "plugin ABI 3.1 is newer than this host supports (ABI 3.0): upgrade kubecensus or rebuild "
        "the "
        "plugin against this kubecensus SDK");
}

TEST_CASE("a descriptor smaller than a minor-0 descriptor is refused") {
  auto refusal = refusalOf("small-struct");
  CHECK(refusal.path == pluginFixture("small-struct/small-struct.so"));
  CHECK_THAT(refusal.reason,
             Catch::StartsWith("descriptor size 16 is smaller than an ABI 3.0 descriptor ("));
  CHECK_THAT(refusal.reason, Catch::Contains(std::to_string(sizeof(PluginDescriptor)) + " bytes)"));
}

TEST_CASE(
    "a plugin built with another compiler or libraries is refused showing both fingerprints") {
  auto refusal = refusalOf("bad-fingerprint");
  CHECK(refusal.path == pluginFixture("bad-fingerprint/bad-fingerprint.so"));
  CHECK(refusal.reason ==
        std::string("plugin was built as 'gcc-4 libstdc++-4 cxx11abi-0 nlohmann-json-2.1' "
                    "but this host as '") +
            buildFingerprint() +
            "': rebuild the plugin with the same compiler and library versions");
}

TEST_CASE("a plugin of an unknown kind is refused") {
  auto refusal = refusalOf("bad-kind");
  CHECK(refusal.path == pluginFixture("bad-kind/bad-kind.so"));
  CHECK(refusal.reason == "invalid plugin kind 7 (expected source, sink or storage)");
}

TEST_CASE("a plugin with an invalid name is refused") {
  auto refusal = refusalOf("bad-name");
  CHECK(refusal.path == pluginFixture("bad-name/bad-name.so"));
  CHECK(refusal.reason ==
        "invalid plugin name 'Bad_Name': use lowercase letters, digits and '-', starting with a "
        "letter or digit");
}

TEST_CASE("a library whose descriptor function returns nullptr is refused") {
  auto refusal = refusalOf("null-descriptor");
  CHECK(refusal.path == pluginFixture("null-descriptor/null-descriptor.so"));
  CHECK(refusal.reason == "kubecensus_plugin_descriptor() returned no descriptor (nullptr)");
}

TEST_CASE("a shared library without the descriptor symbol is not a plugin") {
  auto refusal = refusalOf("missing-symbol");
  CHECK(refusal.path == pluginFixture("missing-symbol/missing-symbol.so"));
  CHECK(refusal.reason == "missing symbol kubecensus_plugin_descriptor: not a kubecensus plugin");
}

TEST_CASE("a library the dynamic loader cannot load is refused with dlerror's reason") {
  auto refusal = refusalOf("unresolved-symbol");
  CHECK(refusal.path == pluginFixture("unresolved-symbol/unresolved-symbol.so"));
  CHECK(refusal.reason ==
        "cannot load shared library: undefined symbol: kubecensus_fixture_undefined_function");
}

TEST_CASE("a .so file that is not a shared library is refused") {
  kctest::TempDir dir;
  std::string path = dir.write("garbage.so", std::string(256, 'x'));
  PluginRegistry registry;
  registry.loadFile(path);
  CHECK(registry.plugins().empty());
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].path == path);
  CHECK(registry.refusals()[0].reason == "cannot load shared library: invalid ELF header");
}

TEST_CASE("of two plugins with one name the first in name order loads and the second is refused") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("duplicate"));
  REQUIRE(registry.plugins().size() == 1);
  CHECK(registry.plugins()[0].path == pluginFixture("duplicate/a.so"));
  CHECK(std::string(registry.plugins()[0].descriptor->description) == "first");
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].path == pluginFixture("duplicate/b.so"));
  CHECK(registry.refusals()[0].reason ==
        "duplicate plugin name 'twin': already loaded from " + pluginFixture("duplicate/a.so"));
}

TEST_CASE("a missing plugin directory is a refusal, not an exception") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("no-such-case"));
  CHECK(registry.plugins().empty());
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].path == pluginFixture("no-such-case"));
  CHECK(registry.refusals()[0].reason == "plugin directory does not exist");
}

TEST_CASE("a missing plugin file is a refusal") {
  PluginRegistry registry;
  registry.loadFile(pluginFixture("ok/no-such-plugin.so"));
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].reason == "plugin file does not exist");
}
