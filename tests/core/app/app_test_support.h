// Shared by the tests of core/src/app/startup.cpp: a program spec like the agent's, capturing
// std::cout/std::cerr, and small accessors. The plugins are the real ones of the build tree.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "kubecensus/app/startup.h"

namespace kctest {

// A program like the agent, with a core section of every kind of option.
inline kubecensus::ProgramSpec testProgram(std::vector<kubecensus::PluginKind> kinds = {
                                               kubecensus::PluginKind::Source,
                                               kubecensus::PluginKind::Sink}) {
  kubecensus::ProgramSpec spec;
  spec.name = "kubecensus-test";
  spec.usage = "Usage: kubecensus-test [flags]";
  spec.coreSection = "test";
  spec.sections = {
      {"test",
       {
           {"period", kubecensus::OptionType::Duration, "24h", "time between reports", 0},
           {"threads", kubecensus::OptionType::Integer, "4", "worker threads", 0},
           {"plugin_dirs", kubecensus::OptionType::List, "", "more plugin directories", 0},
           {"log_level", kubecensus::OptionType::String, "info", "debug, info, warning or error", 0},
       }}};
  spec.pluginKinds = std::move(kinds);
  spec.flags = {
      {"period", "DURATION", "time between reports (test.period)"},
      {"database", "SPEC", "where reports go", true},
  };
  return spec;
}

// A program like the collector: storage plugins only.
inline kubecensus::ProgramSpec collectorLikeProgram() {
  return testProgram({kubecensus::PluginKind::Storage});
}

// Redirects a standard stream into a string for its lifetime.
class StreamCapture {
 public:
  explicit StreamCapture(std::ostream& stream) : stream_(stream), saved_(stream.rdbuf(buffer_.rdbuf())) {}
  ~StreamCapture() { stream_.rdbuf(saved_); }
  StreamCapture(const StreamCapture&) = delete;
  StreamCapture& operator=(const StreamCapture&) = delete;
  std::string text() const { return buffer_.str(); }

 private:
  std::ostream& stream_;
  std::ostringstream buffer_;  // before saved_: constructed first
  std::streambuf* saved_;
};

struct Finished {
  int code;
  std::string out;
  std::string err;
};

// Constructs a Startup and runs finish(), with stdout and stderr captured.
inline Finished finish(const std::vector<std::string>& args,
                       const kubecensus::ProgramSpec& spec = testProgram()) {
  StreamCapture out(std::cout);
  StreamCapture err(std::cerr);
  kubecensus::Startup startup(spec, args);
  int code = startup.finish();
  return {code, out.text(), err.text()};
}

// Sets an environment variable for a scope.
class EnvGuard {
 public:
  EnvGuard(std::string name, const std::string& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) saved_ = old;
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ~EnvGuard() {
    if (saved_)
      ::setenv(name_.c_str(), saved_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

inline const kubecensus::ConfigEntry& entry(kubecensus::Startup& startup, const std::string& section,
                                            const std::string& key) {
  const kubecensus::ConfigSection* s = startup.config().find(section);
  INFO("[" << section << "] " << key);
  REQUIRE(s != nullptr);
  const kubecensus::ConfigEntry* e = s->find(key);
  REQUIRE(e != nullptr);
  return *e;
}

inline std::vector<std::string> sectionNames(kubecensus::Startup& startup) {
  std::vector<std::string> names;
  for (const auto& section : startup.config().sections()) names.push_back(section.name);
  return names;
}

inline std::string usageErrorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const kubecensus::UsageError& e) {
    return e.what();
  }
  FAIL("no UsageError thrown");
  return {};
}

}  // namespace kctest
