// Startup: flags, configuration layering, destinations and default plugins, with the real
// plugins of the build tree (build/lib/kubecensus/plugins is defaultPluginDirectory() for a
// test binary in build/tests).
#include "kubecensus/app/startup.h"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "app_test_support.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using namespace kctest;
using Args = std::vector<std::string>;

TEST_CASE("commonFlags are the flags every program has", "[startup]") {
  std::map<std::string, FlagSpec> flags;
  for (const auto& flag : commonFlags()) {
    INFO(flag.name);
    CHECK(flags.emplace(flag.name, flag).second);  // no name twice
    CHECK_FALSE(flag.help.empty());
  }
  // Values: repeatable ones and single ones.
  for (const char* name : {"config", "plugin-dir", "set"}) {
    INFO(name);
    REQUIRE(flags.count(name));
    CHECK_FALSE(flags[name].metavar.empty());
    CHECK(flags[name].repeatable);
  }
  REQUIRE(flags.count("log-level"));
  CHECK(flags["log-level"].metavar == "LEVEL");
  CHECK_FALSE(flags["log-level"].repeatable);
  // Switches that answer and exit.
  for (const char* name : {"list-plugins", "check-config", "print-config", "version", "help"}) {
    INFO(name);
    REQUIRE(flags.count(name));
    CHECK(flags[name].metavar.empty());
    CHECK_FALSE(flags[name].repeatable);
  }
}

TEST_CASE("the real plugins are loaded from the default plugin directory", "[startup]") {
  Startup startup(testProgram({PluginKind::Source, PluginKind::Sink, PluginKind::Storage}), {});
  CHECK(startup.registry().refusals().empty());
  for (const char* name : {"host", "http", "stdout", "file", "sqlite"}) {
    INFO(name);
    const LoadedPlugin* plugin = startup.registry().find(name);
    REQUIRE(plugin != nullptr);
    CHECK(std::filesystem::path(plugin->path).parent_path() ==
          std::filesystem::path(defaultPluginDirectory()));
  }
}

TEST_CASE("a --set value lands in the configuration, located on the command line", "[startup]") {
  Startup startup(testProgram(), {"--set", "test.period=1h", "--set=sink.http.url=http://a.example/x?y=1"});
  const ConfigEntry& period = entry(startup, "test", "period");
  CHECK(period.value == "1h");
  CHECK(period.where.file == "command line");
  CHECK(period.where.line == 0);
  CHECK(period.where.detail == "--set test.period");
  CHECK(period.where.str() == "command line (--set test.period)");
  // The section is everything before the last '.' ahead of the '='; the value keeps its '=' and '.'.
  const ConfigEntry& url = entry(startup, "sink.http", "url");
  CHECK(url.value == "http://a.example/x?y=1");
  CHECK(url.where.detail == "--set sink.http.url");

  StreamCapture err(std::cerr);
  REQUIRE(startup.finish() == -1);
  CHECK(err.text().empty());
  CHECK(startup.validated().section("test").getDuration("period") == std::chrono::hours(1));
  CHECK(startup.validated().section("test").getInt("threads") == 4);  // default
}

TEST_CASE("a --set that is not SECTION.KEY=VALUE is a usage error naming it", "[startup]") {
  for (const char* bad : {"period=1h", "test.period", ".period=1h", "period", "a=b.c"}) {
    INFO(bad);
    CHECK_THAT(usageErrorOf([&] {
                 Startup startup(testProgram(), {"--set", bad});
               }),
               Catch::Contains(std::string("'") + bad + "'") && Catch::Contains("SECTION.KEY=VALUE"));
  }
}

TEST_CASE("files, then the environment, then flags: each later one wins", "[startup]") {
  kctest::TempDir tmp;
  std::string file = tmp.write("test.ini",
                               "[test]\n"
                               "period = 2h\n"
                               "threads = 8\n"
                               "[sink.http]\n"
                               "url = http://from-file\n"
                               "timeout = 5s\n");
  EnvGuard env("KUBECENSUS_SINK_HTTP_URL", "http://from-env");
  EnvGuard env2("KUBECENSUS_SINK_HTTP_TIMEOUT", "7s");

  Startup startup(testProgram(), {"--config", file, "--set", "test.period=3h", "--log-level", "debug",
                                  "--set", "sink.http.timeout=9s"});
  const ConfigEntry& threads = entry(startup, "test", "threads");
  CHECK(threads.value == "8");
  CHECK(threads.where.str() == file + ":3");

  const ConfigEntry& period = entry(startup, "test", "period");
  CHECK(period.value == "3h");
  CHECK(period.where.str() == "command line (--set test.period)");

  const ConfigEntry& url = entry(startup, "sink.http", "url");
  CHECK(url.value == "http://from-env");
  CHECK(url.where.str() == "environment (KUBECENSUS_SINK_HTTP_URL)");

  const ConfigEntry& timeout = entry(startup, "sink.http", "timeout");
  CHECK(timeout.value == "9s");
  CHECK(timeout.where.file == "command line");

  // --log-level lands in the program's core section.
  const ConfigEntry& level = entry(startup, "test", "log_level");
  CHECK(level.value == "debug");
  CHECK(level.where.str() == "command line (--log-level)");
}

TEST_CASE("setFromFlag records which flag set the value", "[startup]") {
  Startup startup(testProgram(), {"--period", "5m"});
  startup.setFromFlag("test", "period", *startup.commandLine().value("period"), "--period");
  const ConfigEntry& period = entry(startup, "test", "period");
  CHECK(period.value == "5m");
  CHECK(period.where.str() == "command line (--period)");
  StreamCapture err(std::cerr);
  REQUIRE(startup.finish() == -1);
  CHECK(startup.validated().section("test").getDuration("period") == std::chrono::minutes(5));
}

TEST_CASE("addDestination maps each spec onto the plugin that declares its scheme", "[startup]") {
  Startup startup(testProgram(), {});
  startup.addDestination(PluginKind::Sink, "http://h:1/x", "--database");
  startup.addDestination(PluginKind::Sink, "stdout", "--database");
  startup.addDestination(PluginKind::Sink, "file:/tmp/x", "--database");

  const ConfigEntry& type = entry(startup, "sink.http", "type");
  CHECK(type.value == "http");
  CHECK(type.where.str() == "command line (--database)");
  // "scheme://..." goes whole to the plugin's spec option.
  CHECK(entry(startup, "sink.http", "url").value == "http://h:1/x");

  // stdout has no spec option: only its type is set.
  CHECK(entry(startup, "sink.stdout", "type").value == "stdout");
  CHECK(startup.config().find("sink.stdout")->entries.size() == 1);

  // "scheme:rest" gives the plugin only the rest.
  CHECK(entry(startup, "sink.file", "type").value == "file");
  CHECK(entry(startup, "sink.file", "path").value == "/tmp/x");

  StreamCapture err(std::cerr);
  REQUIRE(startup.finish() == -1);
  CHECK(err.text().empty());
  std::vector<std::string> instances;
  for (const auto& plugin : startup.validated().plugins)
    if (plugin.kind == PluginKind::Sink) instances.push_back(plugin.instance + "=" + plugin.plugin);
  CHECK(instances == std::vector<std::string>{"http=http", "stdout=stdout", "file=file"});
}

TEST_CASE("repeated destinations of one plugin get numbered sections", "[startup]") {
  Startup startup(testProgram(), {});
  startup.addDestination(PluginKind::Sink, "http://one:8080", "--database");
  startup.addDestination(PluginKind::Sink, "https://two/base", "--database");
  startup.addDestination(PluginKind::Sink, "HTTP://three", "--database");  // schemes ignore case
  CHECK(entry(startup, "sink.http", "url").value == "http://one:8080");
  CHECK(entry(startup, "sink.http-2", "url").value == "https://two/base");
  CHECK(entry(startup, "sink.http-2", "type").value == "http");
  CHECK(entry(startup, "sink.http-3", "url").value == "HTTP://three");

  StreamCapture err(std::cerr);
  REQUIRE(startup.finish() == -1);
  std::vector<std::string> instances;
  for (const auto& plugin : startup.validated().plugins)
    if (plugin.kind == PluginKind::Sink) instances.push_back(plugin.instance);
  CHECK(instances == std::vector<std::string>{"http", "http-2", "http-3"});
}

TEST_CASE("addDestination for storage: sqlite:PATH", "[startup]") {
  Startup startup(collectorLikeProgram(), {});
  startup.config().removeWithPrefix("storage.");  // as the collector does before its --database specs
  startup.addDestination(PluginKind::Storage, "sqlite:./var/k.db", "--database");
  CHECK(entry(startup, "storage.sqlite", "type").value == "sqlite");
  CHECK(entry(startup, "storage.sqlite", "path").value == "./var/k.db");
}

TEST_CASE("a destination no plugin of the kind handles is a usage error naming spec and known schemes",
          "[startup]") {
  Startup startup(testProgram({PluginKind::Source, PluginKind::Sink, PluginKind::Storage}), {});
  std::string message =
      usageErrorOf([&] { startup.addDestination(PluginKind::Sink, "ftp://h/x", "--database"); });
  CHECK_THAT(message, Catch::Contains("--database ftp://h/x") && Catch::Contains("'ftp'") &&
                          Catch::Contains("http,https") && Catch::Contains("stdout") &&
                          Catch::Contains("file"));
  CHECK_THAT(message, !Catch::Contains("sqlite"));  // a storage scheme is no help for a sink

  // A sink's scheme is unknown to storage.
  message = usageErrorOf([&] { startup.addDestination(PluginKind::Storage, "stdout", "--database"); });
  CHECK_THAT(message, Catch::Contains("'stdout'") && Catch::Contains("sqlite"));
  // Nothing was added for the refused specs.
  for (const auto& name : sectionNames(startup)) CHECK(name.rfind("sink.", 0) != 0);
}

TEST_CASE("default plugins are added for a kind with no section", "[startup]") {
  SECTION("agent kinds: the host source, no sink") {
    Startup startup(testProgram(), {});
    const ConfigSection* host = startup.config().find("source.host");
    REQUIRE(host != nullptr);
    CHECK(host->where.file == "default");
    for (const auto& name : sectionNames(startup)) {
      INFO(name);
      CHECK(name.rfind("sink.", 0) != 0);
      CHECK(name.rfind("storage.", 0) != 0);
      // Every section added is of a plugin flagged enabled by default.
      auto dot = name.find('.');
      if (dot == std::string::npos) continue;
      const LoadedPlugin* plugin = startup.registry().find(name.substr(dot + 1));
      REQUIRE(plugin != nullptr);
      CHECK((plugin->descriptor->flags & kPluginEnabledByDefault) != 0);
    }
  }
  SECTION("collector kinds: the sqlite storage only") {
    Startup startup(collectorLikeProgram(), {});
    REQUIRE(startup.config().find("storage.sqlite") != nullptr);
    CHECK(startup.config().find("storage.sqlite")->where.file == "default");
    for (const auto& name : sectionNames(startup)) {
      INFO(name);
      CHECK(name.rfind("source.", 0) != 0);
      CHECK(name.rfind("sink.", 0) != 0);
    }
  }
}

TEST_CASE("no default is added for a kind the configuration already has", "[startup]") {
  kctest::TempDir tmp;
  SECTION("the default's own section keeps its values") {
    std::string file = tmp.write("a.ini", "[source.host]\nroot = /host\n");
    Startup startup(testProgram(), {"--config", file});
    auto names = sectionNames(startup);
    CHECK(std::count(names.begin(), names.end(), "source.host") == 1);
    CHECK(startup.config().find("source.host")->where.str() == file + ":1");
    CHECK(entry(startup, "source.host", "root").value == "/host");
  }
  SECTION("another source section, even a disabled one, stands for all sources") {
    std::string file = tmp.write("a.ini", "[source.mine]\ntype = host\nenabled = false\n");
    Startup startup(testProgram(), {"--config", file});
    CHECK(startup.config().find("source.host") == nullptr);
    StreamCapture err(std::cerr);
    REQUIRE(startup.finish() == -1);
    CHECK(startup.validated().plugins.empty());
  }
  SECTION("a sink section does not stop the default source") {
    std::string file = tmp.write("a.ini", "[sink.stdout]\n");
    Startup startup(testProgram(), {"--config", file});
    REQUIRE(startup.config().find("source.host") != nullptr);
    CHECK(startup.config().find("source.host")->where.file == "default");
  }
  SECTION("storage: a configured storage replaces the default one") {
    std::string file = tmp.write("c.ini", "[storage.archive]\ntype = sqlite\npath = /tmp/a.db\n");
    Startup startup(collectorLikeProgram(), {"--config", file});
    CHECK(startup.config().find("storage.sqlite") == nullptr);
  }
}

TEST_CASE("a configuration file that cannot be read is a ConfigError naming it", "[startup]") {
  try {
    Startup startup(testProgram(), {"--config", "/nonexistent/kubecensus.ini"});
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/kubecensus.ini"));
  }
}

TEST_CASE("plugins in --plugin-dir and plugin_dirs are loaded too, and a refusal stops the program",
          "[startup]") {
  kctest::TempDir tmp;
  // A second copy of a plugin that is already loaded: refused as a duplicate, which proves the
  // extra directory was read.
  std::string copy = tmp.file("sink-stdout.so");
  std::filesystem::copy_file(defaultPluginDirectory() + "/sink-stdout.so", copy);
  ::chmod(copy.c_str(), 0755);
  ::chmod(tmp.path().c_str(), 0755);

  SECTION("--plugin-dir") {
    Startup startup(testProgram(), {"--plugin-dir", tmp.path()});
    REQUIRE(startup.registry().refusals().size() == 1);
    CHECK(startup.registry().refusals()[0].path == copy);
    CHECK_THAT(startup.registry().refusals()[0].reason, Catch::Contains("duplicate plugin name 'stdout'"));

    StreamCapture out(std::cout);
    StreamCapture err(std::cerr);
    CHECK(startup.finish() == kExitUsage);
    CHECK_THAT(err.text(),
               Catch::Contains("kubecensus-test: plugin refused: " + copy + ": duplicate plugin name"));
  }
  SECTION("plugin_dirs in the core section, a list") {
    std::string file =
        tmp.write("conf/p.ini", "[test]\nplugin_dirs = /nonexistent-plugins, " + tmp.path() + "\n");
    Startup startup(testProgram(), {"--config", file});
    REQUIRE(startup.registry().refusals().size() == 2);
    CHECK(startup.registry().refusals()[0].path == "/nonexistent-plugins");
    CHECK_THAT(startup.registry().refusals()[0].reason, Catch::Contains("does not exist"));
    CHECK(startup.registry().refusals()[1].path == copy);
  }
  SECTION("--check-config and --list-plugins fail on a refusal too") {
    for (const char* flag : {"--check-config", "--list-plugins"}) {
      INFO(flag);
      Finished result = finish({"--plugin-dir", "/nonexistent-plugins", flag});
      CHECK(result.code == kExitUsage);
      CHECK_THAT(result.err, Catch::Contains("plugin refused: /nonexistent-plugins"));
    }
  }
}

TEST_CASE("a program keeps only the plugins of its kinds loaded, and names the others' kind", "[startup]") {
  Startup startup(testProgram({PluginKind::Source, PluginKind::Sink}), {});
  CHECK(startup.registry().refusals().empty());
  CHECK(startup.registry().find("http") != nullptr);
  CHECK(startup.registry().find("sqlite") == nullptr);  // a storage plugin: unloaded
  CHECK_THROWS_WITH(startup.registry().require(PluginKind::Sink, "sqlite"),
                    Catch::Contains("'sqlite'") && Catch::Contains("is a storage plugin, not a sink plugin"));
}
