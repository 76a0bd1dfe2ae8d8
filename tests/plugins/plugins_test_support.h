// Shared by the tests of the real plugins: the plugins of the build tree loaded once through
// the registry, instances created with every option filled in (defaults from the plugin's own
// descriptor, as the config validator would), and a sample report.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/plugin/source.h"
#include "kubecensus/util/hmac.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/registry.h"
#include "kubecensus/report/report.h"
#include "kubecensus/report/time.h"
#include "kubecensus/report/uuid.h"

namespace kctest {

// The plugins in build/lib/kubecensus/plugins. Never unloaded: a plugin library unloaded
// during static destruction could still have work registered (atexit, Poco singletons).
inline const kubecensus::PluginRegistry& realPlugins() {
  static const kubecensus::PluginRegistry* registry = [] {
    auto* r = new kubecensus::PluginRegistry();
    r->loadDirectory(kubecensus::defaultPluginDirectory());
    return r;
  }();
  return *registry;
}

inline const kubecensus::LoadedPlugin& realPlugin(const std::string& name) {
  const kubecensus::LoadedPlugin* plugin = realPlugins().find(name);
  INFO("plugin " << name << " in " << kubecensus::defaultPluginDirectory());
  for (const auto& refusal : realPlugins().refusals()) UNSCOPED_INFO("refused: " << refusal.str());
  REQUIRE(plugin != nullptr);
  return *plugin;
}

// Every option with a default from the descriptor, then `values` on top.
inline kubecensus::Options optionsFor(const std::string& plugin,
                                      const std::map<std::string, std::string>& values) {
  return kubecensus::optionsWithDefaults(*realPlugin(plugin).descriptor, values);
}

template <class T>
kubecensus::PluginHandle<T> makePlugin(const std::string& plugin,
                                       const std::map<std::string, std::string>& values = {}) {
  return realPlugins().create<T>(realPlugin(plugin), optionsFor(plugin, values));
}

// The message of the PluginError that creating the plugin throws.
template <class T>
std::string createError(const std::string& plugin, const std::map<std::string, std::string>& values) {
  try {
    makePlugin<T>(plugin, values);
  } catch (const kubecensus::PluginError& e) {
    return e.what();
  }
  FAIL("plugin " << plugin << " was created");
  return {};
}

// A report as an agent sends it, with a fresh report ID.
inline kubecensus::Report sampleReport() {
  kubecensus::Report report;
  report.reportID = kubecensus::randomUuid();
  report.clusterID = "2f9c93d3-156c-47aa-8802-578ffca9b50e";
  report.generatedAt = 1795456800123456;
  report.agent = {"kubecensus-agent", "0.1.0"};
  report.masterVersion = "v1.31.2";
  kubecensus::Node node;
  node.id = "c8863d09ecc5be8d9791f72acd275fc2";
  node.operatingSystem = "linux";
  node.osImage = "Debian GNU/Linux 12 (bookworm)";
  node.kernelVersion = "6.1.0-27-amd64";
  node.architecture = "amd64";
  node.capacity = {{"cpu", "4"}, {"memory", "15437428Ki"}};
  report.nodes = {node};
  report.extensions = {{"flavor", "test"}};
  return report;
}

inline constexpr const char* kSalt = "test-salt";

// A logger that keeps its lines instead of printing them, so tests can look at them.
class CapturingLogger : public kubecensus::Logger {
 public:
  CapturingLogger() : kubecensus::Logger("test", kubecensus::LogLevel::Debug) {}
  std::vector<std::string> lines;

 protected:
  void emit(std::string_view line) override { lines.emplace_back(line); }
};

// Anonymizes as the agent does (a keyed hash), and remembers what it was asked to hash.
// No cluster access unless a test sets `kubeClient`; the clock is fixed at construction.
class TestCollectContext : public kubecensus::CollectContext {
 public:
  kubecensus::Logger& log() override { return log_; }
  std::string anonymize(std::string_view identity) const override {
    identities.emplace_back(identity);
    return kubecensus::hmacSha256Hex(kSalt, identity);
  }
  bool cancelled() const override { return cancelWhen && cancelWhen(); }
  kubecensus::KubeClient* kube() override { return kubeClient; }
  kubecensus::Micros now() const override { return clock; }

  mutable std::vector<std::string> identities;
  kubecensus::KubeClient* kubeClient = nullptr;  // not owned
  kubecensus::Micros clock = kubecensus::nowMicros();
  std::function<bool()> cancelWhen;  // asked by each cancelled() call; empty: never cancelled
  const std::vector<std::string>& logLines() const { return log_.lines; }

 private:
  CapturingLogger log_;
};

}  // namespace kctest
