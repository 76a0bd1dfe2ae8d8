// Shared by the tests of the k8s-* source plugins: the recorded API objects of
// tests/fixtures/k8s/real/ and a KubeApi that serves them (or fails, or starts a list over)
// the way the real client would.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "../../plugins/sources/k8s-common/kube_api.h"
#include "../../plugins/sources/k8s-common/list_errors.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "plugins_test_support.h"
#include "support/temp_dir.h"

namespace kctest {

// The file names in tests/fixtures/k8s/real/ that start with `prefix`, sorted.
inline std::vector<std::string> realFixtures(const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixturePath("k8s/real"))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".json") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  REQUIRE_FALSE(names.empty());
  return names;
}

inline nlohmann::json realFixture(const std::string& name) {
  return nlohmann::json::parse(fixture("k8s/real/" + name));
}

// The objects of a fixture: a List's items, a bare JSON array (sonobuoy), or one object.
inline std::vector<nlohmann::json> itemsOf(const nlohmann::json& document) {
  if (document.is_array()) return document.get<std::vector<nlohmann::json>>();
  if (document.contains("items")) return document["items"].get<std::vector<nlohmann::json>>();
  return {document};
}

inline std::vector<nlohmann::json> realItems(const std::string& name) {
  return itemsOf(realFixture(name));
}

// A /version body: troubleshoot bundles wrap the real answer as {"info": <version.Info>, ...}.
inline nlohmann::json versionBody(const std::string& name) {
  nlohmann::json document = realFixture(name);
  return document.contains("info") ? document["info"] : document;
}

inline kubecensus::Micros at(const std::string& rfc3339) {
  std::optional<kubecensus::Micros> t = kubecensus::parseRfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

// A KubeApi over canned answers, keyed by "pods", "deployments.apps" (lists) or a path (get).
class FakeKubeApi : public kubecensus::k8s::KubeApi {
 public:
  struct Call {
    std::string what;  // resource name or path
    bool metadataOnly = false;
  };

  std::map<std::string, std::vector<nlohmann::json>> lists;
  std::map<std::string, nlohmann::json> gets;
  std::map<std::string, kubecensus::KubeError> failures;
  // Deliver this many items of the list, then start it over (as after a 410), once.
  std::map<std::string, std::size_t> restartAfter;
  std::vector<Call> calls;

  nlohmann::json get(const std::string& path) override {
    calls.push_back({path, false});
    if (auto failure = failures.find(path); failure != failures.end()) throw failure->second;
    auto answer = gets.find(path);
    if (answer == gets.end()) throw kubecensus::KubeError(404, "GET " + path + ": HTTP 404 Not Found");
    return answer->second;
  }

  void list(const kubecensus::ApiResource& resource, const kubecensus::ListOptions& options,
            const OnItem& onItem, const OnRestart& onRestart) override {
    const std::string name = resource.str();
    calls.push_back({name, options.metadataOnly});
    if (auto failure = failures.find(name); failure != failures.end()) throw failure->second;
    const std::vector<nlohmann::json>& items = lists[name];  // none: an empty list
    if (auto restart = restartAfter.find(name); restart != restartAfter.end()) {
      for (std::size_t i = 0; i < restart->second && i < items.size(); ++i) onItem(items[i]);
      if (onRestart) onRestart();
    }
    for (const auto& item : items) onItem(item);
  }
};

// Runs `collect` against a fresh report and returns it. The report ID is fixed, so that what
// the tests look for in encoded reports cannot turn up in a random one.
template <class Collect>
kubecensus::Report collectInto(const std::string& source, Collect collect) {
  kubecensus::Report report;
  report.reportID = "9b2f8a36-0a39-4e5e-9d6c-0e6d4e3c1a77";
  report.clusterID = "c1";
  kubecensus::ReportBuilder builder(report, source);
  collect(builder);
  return report;
}

}  // namespace kctest
