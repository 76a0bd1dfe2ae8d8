#include "cluster_data.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "fixture_collection.h"

namespace kctest::apiserver {

namespace {

// A recent release, for when no --version-file is given.
const nlohmann::json kDefaultVersion{{"major", "1"},
                                     {"minor", "32"},
                                     {"gitVersion", "v1.32.4"},
                                     {"gitCommit", "59526cd4867447956156ae3a602fcbac10a2c335"},
                                     {"gitTreeState", "clean"},
                                     {"buildDate", "2025-04-22T16:02:27Z"},
                                     {"goVersion", "go1.23.6"},
                                     {"compiler", "gc"},
                                     {"platform", "linux/amd64"}};

nlohmann::json readVersion(const std::string& path) {
  if (path.empty()) return kDefaultVersion;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not JSON: " + e.what());
  }
  // troubleshoot support bundles save {"info": <version.Info>, "string": "v1.33.4+k3s1"}.
  if (doc.is_object() && doc.contains("info") && doc["info"].is_object()) doc = doc["info"];
  if (!doc.is_object() || !doc.contains("gitVersion"))
    throw std::runtime_error(path + ": not a version.Info");
  return doc;
}

}  // namespace

ClusterData::ClusterData(const ServerOptions& options, const ResourceCatalog& catalog)
    : version_(readVersion(options.versionFile)) {
  if (!options.generate.empty())
    synthetic_ = std::make_unique<SyntheticCluster>(options.generate, options.seed, options.canary);

  for (const ResourceType& type : catalog.all()) {
    if (type.plural == "selfsubjectaccessreviews") continue;
    const std::string key = type.key();
    bool loaded = false;
    auto fixtures = std::make_unique<FixtureCollection>(type);
    for (const auto& [resource, file] : options.objects) {
      if (resource != key) continue;
      fixtures->load(file);
      loaded = true;
    }
    if (!loaded && synthetic_ && (options.generate.count(key) || key == "namespaces"))
      collections_[key] = synthetic_->collection(type);
    else
      collections_[key] = std::move(fixtures);
    resourceVersion_ = std::max<std::uint64_t>(resourceVersion_, collections_[key]->maxResourceVersion() + 1);
  }
}

}  // namespace kctest::apiserver
