// Safe permissions: a plugin, or the directory it is in, that a third user could change is
// refused. Each test copies a good fixture into a private temporary directory and spoils it.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "kubecensus/plugin/registry.h"
#include "plugin_test_support.h"
#include "support/temp_dir.h"

using kctest::copyPlugin;
using namespace kubecensus;

namespace {

// mkdtemp made it 0700; make that explicit so the tests do not depend on it.
std::string safeDir(const kctest::TempDir& dir) {
  ::chmod(dir.path().c_str(), 0755);
  return dir.path();
}

const PluginRefusal& onlyRefusal(const PluginRegistry& registry) {
  CHECK(registry.plugins().empty());
  REQUIRE(registry.refusals().size() == 1);
  return registry.refusals().front();
}

}  // namespace

TEST_CASE("a copied fixture in a safe directory loads") {
  kctest::TempDir dir;
  safeDir(dir);
  std::string path = copyPlugin("ok/source.so", dir.file("source.so"));
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  CHECK(registry.refusals().empty());
  REQUIRE(registry.plugins().size() == 1);
  CHECK(registry.plugins()[0].path == path);
}

TEST_CASE("a group-writable plugin file is refused with the mode and the fix") {
  kctest::TempDir dir;
  safeDir(dir);
  std::string path = copyPlugin("ok/source.so", dir.file("source.so"));
  ::chmod(path.c_str(), 0775);
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  const PluginRefusal& refusal = onlyRefusal(registry);
  CHECK(refusal.path == path);
  CHECK(refusal.reason ==
        "plugin file is writable by group/others (mode 0775); run chmod go-w " + path);
}

TEST_CASE("a world-writable plugin file is refused") {
  kctest::TempDir dir;
  safeDir(dir);
  std::string path = copyPlugin("ok/source.so", dir.file("source.so"));
  ::chmod(path.c_str(), 0757);
  PluginRegistry registry;
  registry.loadFile(path);
  CHECK(onlyRefusal(registry).reason ==
        "plugin file is writable by group/others (mode 0757); run chmod go-w " + path);
}

TEST_CASE("a group-writable plugin directory is refused as a whole") {
  kctest::TempDir dir;
  copyPlugin("ok/source.so", dir.file("source.so"));
  ::chmod(dir.path().c_str(), 0775);
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  const PluginRefusal& refusal = onlyRefusal(registry);
  CHECK(refusal.path == dir.path());
  CHECK(refusal.reason ==
        "plugin directory is writable by group/others (mode 0775); run chmod go-w " + dir.path());
}

TEST_CASE("a plugin file loaded on its own is refused when its directory is world-writable") {
  kctest::TempDir dir;
  std::string path = copyPlugin("ok/source.so", dir.file("source.so"));
  ::chmod(dir.path().c_str(), 01777);  // sticky like /tmp: others may still add files
  PluginRegistry registry;
  registry.loadFile(path);
  const PluginRefusal& refusal = onlyRefusal(registry);
  CHECK(refusal.path == path);
  CHECK(refusal.reason == "plugin directory " + dir.path() +
                              " is writable by group/others (mode 1777); " + "run chmod go-w " +
                              dir.path());
}

TEST_CASE("a symbolic link is judged by the directory of the file it points to") {
  kctest::TempDir unsafe;
  std::string target = copyPlugin("ok/source.so", unsafe.file("source.so"));
  ::chmod(unsafe.path().c_str(), 0777);
  kctest::TempDir dir;
  safeDir(dir);
  std::filesystem::create_symlink(target, dir.file("source.so"));
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  const PluginRefusal& refusal = onlyRefusal(registry);
  CHECK(refusal.path == dir.file("source.so"));
  CHECK_THAT(refusal.reason, Catch::StartsWith("plugin directory " +
                                               std::filesystem::canonical(unsafe.path()).string() +
                                               " is writable by group/others (mode 0777)"));
}

TEST_CASE("a plugin file owned by another user is refused") {
  if (::geteuid() != 0) {
    WARN("skipped: giving a file away needs root");
    return;
  }
  kctest::TempDir dir;
  safeDir(dir);
  std::string path = copyPlugin("ok/source.so", dir.file("source.so"));
  REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  CHECK(onlyRefusal(registry).reason ==
        "plugin file is owned by uid 65534, which is neither root nor the current user (uid 0)");
}

TEST_CASE("a plugin directory owned by another user is refused") {
  if (::geteuid() != 0) {
    WARN("skipped: giving a directory away needs root");
    return;
  }
  kctest::TempDir dir;
  safeDir(dir);
  copyPlugin("ok/source.so", dir.file("source.so"));
  REQUIRE(::chown(dir.path().c_str(), 65534, 65534) == 0);
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  CHECK(
      onlyRefusal(registry).reason ==
      "plugin directory is owned by uid 65534, which is neither root nor the current user (uid 0)");
}

TEST_CASE("a *.so entry that is not a regular file is refused") {
  kctest::TempDir dir;
  safeDir(dir);
  std::filesystem::create_directory(dir.file("sub.so"));
  PluginRegistry registry;
  registry.loadDirectory(dir.path());
  const PluginRefusal& refusal = onlyRefusal(registry);
  CHECK(refusal.path == dir.file("sub.so"));
  CHECK(refusal.reason == "plugin file is not a regular file");
}

TEST_CASE("a plugin directory that is a file is refused") {
  kctest::TempDir dir;
  safeDir(dir);
  std::string path = dir.write("plugins", "not a directory");
  PluginRegistry registry;
  registry.loadDirectory(path);
  CHECK(onlyRefusal(registry).reason == "plugin directory is not a directory");
}
