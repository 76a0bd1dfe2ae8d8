// The descriptor checks through add(), which applies them to descriptors linked into the
// program itself: every field a host relies on is checked before it is used.
#include <catch2/catch.hpp>
#include <map>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/plugin/storage.h"

using namespace kubecensus;

namespace {

class MemoryStorage final : public Storage {
 public:
  WriteResult write(const std::vector<const Report*>& batch) override {
    return WriteResult{std::vector<bool>(batch.size(), false), {}};
  }
  StorageHealth health() override { return {}; }
};

Plugin* createStorage(const Options&, std::string*) noexcept { return new MemoryStorage; }

constexpr OptionSpec kOptions[] = {
    {"path", OptionType::Path, nullptr, "database file", kOptionRequired},
    {"timeout", OptionType::Duration, "5s", "busy timeout", 0},
};

PluginDescriptor storageDescriptor() {
  return PluginDescriptor{
      .abiMajor = kPluginAbiMajor,
      .abiMinor = kPluginAbiMinor,
      .structSize = sizeof(PluginDescriptor),
      .buildFingerprint = buildFingerprint(),
      .kind = PluginKind::Storage,
      .name = "memory",
      .description = "in-memory storage",
      .flags = 0,
      .options = kOptions,
      .optionCount = 2,
      .specSchemes = "memory",
      .specOption = "path",
      .create = &createStorage,
  };
}

// The reason add() gives for refusing `descriptor`.
std::string refusalOf(const PluginDescriptor& descriptor) {
  PluginRegistry registry;
  CHECK_FALSE(registry.add(&descriptor, "embedded:test"));
  CHECK(registry.plugins().empty());
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].path == "embedded:test");
  return registry.refusals()[0].reason;
}

}  // namespace

TEST_CASE("add() registers a valid descriptor that then creates instances") {
  PluginRegistry registry;
  const PluginDescriptor descriptor = storageDescriptor();
  REQUIRE(registry.add(&descriptor, "built-in"));
  CHECK(registry.refusals().empty());
  const LoadedPlugin& plugin = registry.require(PluginKind::Storage, "memory");
  CHECK(plugin.path == "built-in");
  CHECK(plugin.library == nullptr);
  CHECK(registry.findByScheme(PluginKind::Storage, "memory") == &plugin);

  PluginHandle<Storage> storage = registry.create<Storage>(
      plugin, Options(std::map<std::string, std::string>{{"path", ":memory:"}}));
  REQUIRE(storage);
  CHECK(storage->health().ok);
}

TEST_CASE("add() refuses a second plugin of the same name, naming both origins") {
  PluginRegistry registry;
  const PluginDescriptor descriptor = storageDescriptor();
  REQUIRE(registry.add(&descriptor, "built-in"));
  CHECK_FALSE(registry.add(&descriptor, "again"));
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].str() ==
        "again: duplicate plugin name 'memory': already loaded from built-in");
  CHECK(registry.plugins().size() == 1);
}

TEST_CASE("add() refuses a null descriptor") {
  PluginRegistry registry;
  CHECK_FALSE(registry.add(nullptr, "embedded:test"));
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].reason == "no descriptor (nullptr)");
}

TEST_CASE("add() refuses another major ABI before reading further fields") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.abiMajor = 0;
  descriptor.name = nullptr;  // would crash a check that read past the frozen fields
  CHECK(refusalOf(descriptor) ==
        "plugin ABI 0.0 is not supported by this host (ABI 3.0): rebuild the plugin against this "
        "kubecensus SDK");
}

TEST_CASE("add() refuses a descriptor without a build fingerprint") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.buildFingerprint = nullptr;
  CHECK(refusalOf(descriptor) ==
        "descriptor has no build fingerprint: rebuild the plugin against this kubecensus SDK");
}

TEST_CASE("add() refuses a plugin without a name") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.name = nullptr;
  CHECK(refusalOf(descriptor) == "plugin has no name");
  descriptor.name = "";
  CHECK(refusalOf(descriptor) == "plugin has no name");
}

TEST_CASE("add() accepts names of lowercase letters, digits and dashes only") {
  PluginDescriptor descriptor = storageDescriptor();
  for (const char* name : {"-leading-dash", "UPPER", "under_score", "dot.ted", "spa ce"}) {
    descriptor.name = name;
    CHECK_THAT(refusalOf(descriptor),
               Catch::StartsWith("invalid plugin name '" + std::string(name) + "'"));
  }
  for (const char* name : {"a", "0", "k8s-nodes", "x-"}) {
    descriptor.name = name;
    PluginRegistry registry;
    CHECK(registry.add(&descriptor, "embedded:test"));
  }
}

TEST_CASE("add() refuses a plugin without a create function") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.create = nullptr;
  CHECK(refusalOf(descriptor) == "plugin 'memory' has no create function");
}

TEST_CASE("add() refuses an option count without an option table") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.options = nullptr;
  CHECK(refusalOf(descriptor) == "plugin 'memory' declares 2 options but has no option table");
  descriptor.optionCount = 0;  // no options at all is fine
  PluginRegistry registry;
  CHECK(registry.add(&descriptor, "embedded:test"));
}

TEST_CASE("add() refuses an option without a name") {
  const OptionSpec options[] = {{"path", OptionType::Path, nullptr, "", 0},
                                {nullptr, OptionType::String, nullptr, "", 0}};
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.options = options;
  CHECK(refusalOf(descriptor) == "option 2 of plugin 'memory' has no name");
}

TEST_CASE("add() refuses an option declared twice") {
  const OptionSpec options[] = {{"path", OptionType::Path, nullptr, "", 0},
                                {"path", OptionType::String, nullptr, "", 0}};
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.options = options;
  CHECK(refusalOf(descriptor) == "plugin 'memory' declares option 'path' twice");
}

TEST_CASE("add() refuses an option of an unknown type") {
  const OptionSpec options[] = {{"path", OptionType::Path, nullptr, "", 0},
                                {"level", static_cast<OptionType>(99), nullptr, "", 0}};
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.options = options;
  CHECK(refusalOf(descriptor) == "option 'level' of plugin 'memory' has invalid type 99");
}

TEST_CASE("add() refuses an invalid kind") {
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.kind = static_cast<PluginKind>(0);
  CHECK(refusalOf(descriptor) == "invalid plugin kind 0 (expected source, sink or storage)");
}

TEST_CASE("add() accepts an older minor ABI with a 1.0-sized descriptor") {
  // What a host of ABI 1.1 will see from today's plugins; here it checks the size rule alone.
  PluginDescriptor descriptor = storageDescriptor();
  descriptor.structSize = sizeof(PluginDescriptor) - 1;
  CHECK_THAT(refusalOf(descriptor), Catch::StartsWith("descriptor size "));
  descriptor.structSize = sizeof(PluginDescriptor) + 8;  // a bigger one only adds fields
  PluginRegistry registry;
  CHECK(registry.add(&descriptor, "embedded:test"));
}
