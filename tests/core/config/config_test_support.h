// Shared by the config tests: a core schema and a few plugin descriptors linked into the test.
#pragma once

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "kubecensus/config/config.h"
#include "kubecensus/config/validate.h"
#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/registry.h"

namespace kctest {

inline kubecensus::Plugin* createNothing(const kubecensus::Options&, std::string* error) noexcept {
  *error = "test descriptor";
  return nullptr;
}

inline const kubecensus::OptionSpec kHttpOptions[] = {
    {"url", kubecensus::OptionType::String, nullptr, "where to post reports", kubecensus::kOptionRequired},
    {"token", kubecensus::OptionType::Secret, nullptr, "bearer token", 0},
    {"timeout", kubecensus::OptionType::Duration, "10s", "request timeout", 0},
    {"retries", kubecensus::OptionType::Integer, "3", "attempts", 0},
    {"compress", kubecensus::OptionType::Boolean, "true", "gzip bodies", 0},
    {"max_body", kubecensus::OptionType::Size, "1MiB", "largest body", 0},
    {"headers", kubecensus::OptionType::List, nullptr, "extra headers", 0},
    {"ca_file", kubecensus::OptionType::Path, nullptr, "CA bundle", 0},
    {"format", kubecensus::OptionType::String, "native", "wire format", 0, "native,spartakus-v1"},
};

inline const kubecensus::OptionSpec kStdoutOptions[] = {
    {"pretty", kubecensus::OptionType::Boolean, "false", "indent JSON", 0},
};

inline const kubecensus::OptionSpec kHostOptions[] = {
    {"interval", kubecensus::OptionType::Duration, "1m", "how often", 0},
};

inline kubecensus::PluginDescriptor makeDescriptor(kubecensus::PluginKind kind, const char* name,
                                                   const kubecensus::OptionSpec* options, std::uint32_t count) {
  return kubecensus::PluginDescriptor{kubecensus::kPluginAbiMajor,
                                      kubecensus::kPluginAbiMinor,
                                      sizeof(kubecensus::PluginDescriptor),
                                      KUBECENSUS_BUILD_FINGERPRINT,
                                      kind,
                                      name,
                                      "test plugin",
                                      0,
                                      options,
                                      count,
                                      nullptr,
                                      nullptr,
                                      &createNothing};
}

inline const kubecensus::PluginDescriptor kHttpSink =
    makeDescriptor(kubecensus::PluginKind::Sink, "http", kHttpOptions, std::size(kHttpOptions));
inline const kubecensus::PluginDescriptor kStdoutSink =
    makeDescriptor(kubecensus::PluginKind::Sink, "stdout", kStdoutOptions, std::size(kStdoutOptions));
inline const kubecensus::PluginDescriptor kHostSource =
    makeDescriptor(kubecensus::PluginKind::Source, "host", kHostOptions, std::size(kHostOptions));

// A registry holding http and stdout sinks and the host source.
inline void registerTestPlugins(kubecensus::PluginRegistry& registry) {
  REQUIRE(registry.add(&kHttpSink, "test"));
  REQUIRE(registry.add(&kStdoutSink, "test"));
  REQUIRE(registry.add(&kHostSource, "test"));
}

// The agent's core section, as a test stands in for it.
inline std::vector<kubecensus::SectionSchema> agentSchema() {
  using kubecensus::OptionType;
  return {{"agent",
           {
               {"cluster_id", OptionType::String, nullptr, "cluster identifier", 0},
               {"period", OptionType::Duration, "24h", "report period", 0},
               {"state_dir", OptionType::Path, "/var/lib/kubecensus", "state directory", 0},
               {"extensions", OptionType::List, nullptr, "extra fields", 0},
               {"max_buffer", OptionType::Size, "10MiB", "outbox size", 0},
               {"verbose", OptionType::Boolean, "false", "log more", 0},
               {"workers", OptionType::Integer, "2", "threads", 0},
               {"api_key", OptionType::Secret, nullptr, "key", 0},
           }}};
}

// Section, key and value of every entry, in order: what two parsers must agree on.
inline std::vector<std::tuple<std::string, std::string, std::string>> flatten(const kubecensus::Config& config) {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& section : config.sections()) {
    if (section.entries.empty()) out.emplace_back(section.name, "", "");
    for (const auto& entry : section.entries) out.emplace_back(section.name, entry.key, entry.value);
  }
  return out;
}

// The issues of the ConfigError that `action` throws; fails the test if it does not throw.
inline std::vector<kubecensus::ConfigIssue> issuesOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const kubecensus::ConfigError& e) {
    return e.issues();
  }
  FAIL("expected a ConfigError");
  return {};
}

// The single issue `action` throws, checked to be the only one.
inline kubecensus::ConfigIssue issueOf(const std::function<void()>& action) {
  auto issues = issuesOf(action);
  REQUIRE(issues.size() == 1);
  return issues.front();
}

}  // namespace kctest
