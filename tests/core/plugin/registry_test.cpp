// PluginRegistry with valid plugins: loading, lookup, creating instances and the errors a
// configuration mistake produces.
#include "kubecensus/plugin/registry.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/plugin/source.h"
#include "kubecensus/plugin/storage.h"
#include "plugin_test_support.h"
#include "support/temp_dir.h"

using kctest::copyPlugin;
using kctest::pluginFixture;
using namespace kubecensus;

namespace {

class TestContext : public CollectContext {
 public:
  Logger& log() override { throw std::logic_error("no logger in this test"); }
  std::string anonymize(std::string_view identity) const override { return std::string(identity); }
  bool cancelled() const override { return false; }
  KubeClient* kube() override { return nullptr; }
  Micros now() const override { return 0; }
};

std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const PluginError& e) {
    return e.what();
  }
  FAIL("no PluginError thrown");
  return {};
}

}  // namespace

TEST_CASE("the valid fixture plugins load in name order") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  CHECK(registry.refusals().empty());
  REQUIRE(registry.plugins().size() == 2);
  CHECK(registry.plugins()[0].path == pluginFixture("ok/sink.so"));
  CHECK(registry.plugins()[1].path == pluginFixture("ok/source.so"));
  CHECK(registry.plugins()[0].library != nullptr);

  const LoadedPlugin* source = registry.find("test-source");
  REQUIRE(source != nullptr);
  CHECK(source->descriptor->kind == PluginKind::Source);
  CHECK(source->descriptor->optionCount == 1);
  CHECK(std::string(source->descriptor->options[0].name) == "greeting");
  CHECK((source->descriptor->flags & kPluginEnabledByDefault) != 0);
  CHECK(registry.find("test-sink") == &registry.plugins()[0]);
  CHECK(registry.find("nothing") == nullptr);
}

TEST_CASE("a loaded source is created with its options and collects") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  const LoadedPlugin& plugin = registry.require(PluginKind::Source, "test-source");

  PluginHandle<Source> source = registry.create<Source>(
      plugin, Options(std::map<std::string, std::string>{{"greeting", "hi"}}));
  REQUIRE(source);
  Report report;
  ReportBuilder builder(report, "source.fixture");
  TestContext context;
  source->collect(context, builder);
  REQUIRE(report.extensions.size() == 1);
  CHECK(report.extensions[0] == Extension{"greeting", "hi"});
}

TEST_CASE("a plugin instance keeps its library loaded after the registry is gone") {
  PluginHandle<Sink> sink;
  {
    PluginRegistry registry;
    registry.loadDirectory(pluginFixture("ok"));
    sink = registry.create<Sink>(registry.require(PluginKind::Sink, "test-sink"), Options());
  }
  Report report;
  report.reportID = "r-1";
  DeliveryResult result = sink->deliver(report);
  CHECK(result.outcome == DeliveryResult::Outcome::Delivered);
  CHECK(result.detail == "r-1");
}

TEST_CASE("a failing create() is reported with the plugin's own message") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("failing-create"));
  REQUIRE(registry.refusals().empty());
  const LoadedPlugin& plugin = registry.require(PluginKind::Source, "failing-create");
  CHECK(errorOf([&] {
          registry.create<Source>(
              plugin, Options(std::map<std::string, std::string>{{"endpoint", "https://nowhere"}}));
        }) ==
        "cannot create source plugin 'failing-create': cannot reach endpoint 'https://nowhere'");
}

TEST_CASE("creating a plugin through the wrong interface is a kind mismatch") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  const LoadedPlugin& source = *registry.find("test-source");
  CHECK(errorOf([&] { registry.create<Sink>(source, Options()); }) ==
        "plugin 'test-source' (" + pluginFixture("ok/source.so") +
            ") is a source plugin, not a sink plugin");
}

TEST_CASE("require() names the known plugins of the kind asked for") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  registry.loadDirectory(pluginFixture("failing-create"));
  CHECK(errorOf([&] { registry.require(PluginKind::Source, "nope"); }) ==
        "unknown source plugin 'nope' (known source plugins: test-source, failing-create)");
  CHECK(errorOf([&] { registry.require(PluginKind::Storage, "sqlite"); }) ==
        "unknown storage plugin 'sqlite' (no storage plugins are loaded)");
}

TEST_CASE("require() refuses a plugin of another kind") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  CHECK(errorOf([&] { registry.require(PluginKind::Source, "test-sink"); }) ==
        "plugin 'test-sink' (" + pluginFixture("ok/sink.so") +
            ") is a sink plugin, not a source plugin");
  CHECK(&registry.require(PluginKind::Sink, "test-sink") == registry.find("test-sink"));
}

TEST_CASE("findByScheme() looks through each plugin's comma-separated schemes") {
  PluginRegistry registry;
  registry.loadDirectory(pluginFixture("ok"));
  const LoadedPlugin* sink = registry.find("test-sink");
  CHECK(registry.findByScheme(PluginKind::Sink, "test") == sink);
  CHECK(registry.findByScheme(PluginKind::Sink, "tests") == sink);  // listed after ", "
  CHECK(registry.findByScheme(PluginKind::Sink, "TESTS") == sink);  // schemes ignore case
  CHECK(registry.findByScheme(PluginKind::Sink, "tes") == nullptr);
  CHECK(registry.findByScheme(PluginKind::Sink, "http") == nullptr);
  CHECK(registry.findByScheme(PluginKind::Storage, "test") == nullptr);
  CHECK(registry.findByScheme(PluginKind::Source, "") == nullptr);  // sources have no schemes
}

TEST_CASE("load order follows file names, and other files are ignored") {
  kctest::TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  copyPlugin("ok/sink.so", dir.file("z-sink.so"));
  copyPlugin("ok/source.so", dir.file("m-source.so"));
  copyPlugin("ok/source.so", dir.file("a-source.so"));
  dir.write("README.txt", "not a plugin");
  dir.write("a-source.so.1", "not a plugin either");

  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  REQUIRE(registry.plugins().size() == 2);
  CHECK(registry.plugins()[0].path == dir.file("a-source.so"));
  CHECK(registry.plugins()[1].path == dir.file("z-sink.so"));
  REQUIRE(registry.refusals().size() == 1);
  CHECK(registry.refusals()[0].str() ==
        dir.file("m-source.so") + ": duplicate plugin name 'test-source': already loaded from " +
            dir.file("a-source.so"));
}

TEST_CASE("defaultPluginDirectory() is lib/kubecensus/plugins beside the executable's bin") {
  std::string dir = defaultPluginDirectory();
  std::filesystem::path path(dir);
  CHECK(path.is_absolute());
  CHECK(path == path.lexically_normal());
  CHECK(path.filename() == "plugins");
  // The test binary lives in <build>/tests, so this is the build tree's plugin directory.
  auto binary = std::filesystem::canonical(KUBECENSUS_BINARY_DIR);
  CHECK(path == binary / "lib" / "kubecensus" / "plugins");
}
