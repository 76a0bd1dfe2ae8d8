#include "kubecensus/util/state_dir.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "support/temp_dir.h"

using namespace kubecensus;
namespace fs = std::filesystem;

namespace {

unsigned modeOf(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::set<std::string> entriesOf(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// Runs action and returns the message of the std::runtime_error it throws.
template <class F>
std::string runtimeErrorOf(F action) {
  try {
    action();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  FAIL("no std::runtime_error thrown");
  return {};
}

// Sets the umask for a scope, so a mode check does not depend on the caller's umask.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t mask) : saved_(::umask(mask)) {}
  ~UmaskGuard() { ::umask(saved_); }

 private:
  mode_t saved_;
};

}  // namespace

TEST_CASE("StateDir creates missing directories, the last one 0700", "[state_dir]") {
  kctest::TempDir tmp;
  UmaskGuard umask(0);
  std::string path = tmp.file("var/lib/kubecensus");
  StateDir state(path);
  CHECK(state.path() == path);
  REQUIRE(fs::is_directory(path));
  CHECK(modeOf(path) == 0700);
}

TEST_CASE("StateDir tightens an existing directory to 0700", "[state_dir]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("state");
  fs::create_directory(path);
  ::chmod(path.c_str(), 0777);
  StateDir state(path);
  CHECK(modeOf(path) == 0700);
}

TEST_CASE("readOrCreate makes the value once and returns the same value later", "[state_dir]") {
  kctest::TempDir tmp;
  UmaskGuard umask(0);  // the 0600 must come from the code, not from the umask
  int calls = 0;
  auto make = [&] {
    ++calls;
    return "salt-" + std::to_string(calls);
  };
  StateDir state(tmp.file("state"));
  CHECK(state.readOrCreate("salt", make) == "salt-1");
  CHECK(state.readOrCreate("salt", make) == "salt-1");
  CHECK(calls == 1);
  // Another instance (the next run of the agent) reads the same file.
  StateDir again(tmp.file("state"));
  CHECK(again.readOrCreate("salt", make) == "salt-1");
  CHECK(calls == 1);
  // Each name is its own file.
  CHECK(again.readOrCreate("cluster-id", make) == "salt-2");
  CHECK(calls == 2);

  std::string file = tmp.file("state/salt");
  CHECK(kctest::readFile(file) == "salt-1\n");
  CHECK(modeOf(file) == 0600);
  CHECK(modeOf(tmp.file("state/cluster-id")) == 0600);
  // Written atomically: only the final files are left, no temporary ones.
  CHECK(entriesOf(tmp.file("state")) == std::set<std::string>{"salt", "cluster-id"});
}

TEST_CASE("readOrCreate reads what is there, trailing line ends removed", "[state_dir]") {
  kctest::TempDir tmp;
  tmp.write("state/cluster-id", "2f9c93d3-156c-47aa-8802-578ffca9b50e\r\n");
  StateDir state(tmp.file("state"));
  bool called = false;
  CHECK(state.readOrCreate("cluster-id", [&] {
    called = true;
    return std::string("new");
  }) == "2f9c93d3-156c-47aa-8802-578ffca9b50e");
  CHECK_FALSE(called);
}

TEST_CASE("readOrCreate replaces an empty file", "[state_dir]") {
  kctest::TempDir tmp;
  tmp.write("state/salt", "\n");
  StateDir state(tmp.file("state"));
  CHECK(state.readOrCreate("salt", [] { return std::string("fresh"); }) == "fresh");
  CHECK(kctest::readFile(tmp.file("state/salt")) == "fresh\n");
}

TEST_CASE("a state directory that cannot be created is an error naming it", "[state_dir]") {
  // Under a regular file: not even root can create a directory there.
  kctest::TempDir tmp;
  tmp.write("file", "x");
  std::string path = tmp.file("file/state");
  std::string message = runtimeErrorOf([&] { StateDir state(path); });
  CHECK_THAT(message, Catch::Contains(path));
}

TEST_CASE("a state file that cannot be written is an error naming it, and leaves nothing behind",
          "[state_dir]") {
  kctest::TempDir tmp;
  StateDir state(tmp.file("state"));
  // A directory where the file should be: the rename onto it fails even for root.
  fs::create_directory(tmp.file("state/salt"));
  bool called = false;
  std::string message = runtimeErrorOf([&] {
    state.readOrCreate("salt", [&] {
      called = true;
      return std::string("s");
    });
  });
  CHECK(called);
  CHECK_THAT(message, Catch::Contains(tmp.file("state/salt")));
  CHECK(entriesOf(tmp.file("state")) == std::set<std::string>{"salt"});
  CHECK(fs::is_directory(tmp.file("state/salt")));

  // A name whose directory is a regular file: the temporary file cannot even be created.
  tmp.write("state/plain", "x");
  message = runtimeErrorOf([&] { state.readOrCreate("plain/salt", [] { return std::string("s"); }); });
  CHECK_THAT(message, Catch::Contains(tmp.file("state/plain/salt")));
}

TEST_CASE("writeFileAtomically replaces content and sets the mode", "[state_dir]") {
  kctest::TempDir tmp;
  UmaskGuard umask(0);
  std::string path = tmp.file("config");
  writeFileAtomically(path, "first", 0644);
  CHECK(kctest::readFile(path) == "first");
  CHECK(modeOf(path) == 0644);
  writeFileAtomically(path, std::string("second\0with NUL", 15), 0600);
  CHECK(kctest::readFile(path) == std::string("second\0with NUL", 15));
  CHECK(modeOf(path) == 0600);
  writeFileAtomically(path, "", 0600);
  CHECK(kctest::readFile(path).empty());
  CHECK(entriesOf(tmp.path()) == std::set<std::string>{"config"});
}

TEST_CASE("readFile returns bytes as they are and names a missing file", "[state_dir]") {
  kctest::TempDir tmp;
  std::string path = tmp.write("data", std::string("a\0b\n\n", 5));
  CHECK(kubecensus::readFile(path) == std::string("a\0b\n\n", 5));
  std::string missing = tmp.file("missing");
  CHECK_THAT(runtimeErrorOf([&] { kubecensus::readFile(missing); }), Catch::Contains(missing));
}
